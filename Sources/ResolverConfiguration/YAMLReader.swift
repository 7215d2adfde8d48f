import Staleness
import Yams

/// Walks the YAML tree into `ResolverConfig`, naming the key and line of every problem.
struct YAMLReader {
    let file: String

    private func fail(_ node: Node?, _ key: String, _ message: String) -> ConfigError {
        ConfigError(file: file, line: node?.mark?.line, key: key, message: message)
    }

    private func mapping(_ node: Node, _ key: String) throws(ConfigError) -> [(key: String, keyNode: Node, value: Node)]
    {
        guard case .mapping(let mapping) = node else {
            throw fail(node, key, "must be a mapping of keys to values")
        }
        var pairs: [(key: String, keyNode: Node, value: Node)] = []
        for (keyNode, value) in mapping {
            guard case .scalar(let scalar) = keyNode else { throw fail(keyNode, key, "keys must be plain names") }
            pairs.append((scalar.string, keyNode, value))
        }
        return pairs
    }

    private func string(_ node: Node, _ key: String) throws(ConfigError) -> String {
        guard case .scalar(let scalar) = node, !scalar.string.isEmpty else {
            throw fail(node, key, "must be a non-empty string")
        }
        return scalar.string
    }

    private func integer(_ node: Node, _ key: String, minimum: Int) throws(ConfigError) -> Int {
        guard case .scalar(let scalar) = node, let value = Int(scalar.string), value >= minimum else {
            throw fail(node, key, "must be a whole number of at least \(minimum)")
        }
        return value
    }

    private func number(_ node: Node, _ key: String, _ range: ClosedRange<Double>, _ rangeText: String)
        throws(ConfigError) -> Double
    {
        guard case .scalar(let scalar) = node, let value = Double(scalar.string), value.isFinite, range.contains(value)
        else {
            throw fail(node, key, "must be a number \(rangeText)")
        }
        return value
    }

    private func duration(_ node: Node, _ key: String) throws(ConfigError) -> Int64 {
        let text = try string(node, key)
        do {
            return try DurationText.parse(text)
        } catch {
            throw fail(node, key, error.description)
        }
    }

    private func boolean(_ node: Node, _ key: String) throws(ConfigError) -> Bool {
        guard case .scalar(let scalar) = node else { throw fail(node, key, "must be true or false") }
        switch scalar.string {
        case "true", "yes", "on": return true
        case "false", "no", "off": return false
        default: throw fail(node, key, "must be true or false")
        }
    }

    private func size(_ node: Node, _ key: String) throws(ConfigError) -> Int {
        let text = try string(node, key)
        let units: [(String, Int)] = [
            ("KiB", 1 << 10), ("MiB", 1 << 20), ("GiB", 1 << 30), ("KB", 1000), ("MB", 1_000_000), ("B", 1),
        ]
        for (suffix, scale) in units where text.hasSuffix(suffix) {
            if let value = Int(text.dropLast(suffix.count)), value > 0 { return value * scale }
        }
        if let value = Int(text), value > 0 { return value }
        throw fail(node, key, "must be a size such as 1048576, 512KiB or 1MiB")
    }

    static func checkURL(_ url: String, key: String, file: String?, line: Int?) throws(ConfigError) {
        guard url.hasPrefix("https://") || url.hasPrefix("http://") else {
            throw ConfigError(
                file: file, line: line, key: key, message: "must be an http:// or https:// URL, not \"\(url)\"")
        }
    }

    mutating func read(_ root: Node, into config: inout ResolverConfig) throws(ConfigError) {
        if case .scalar(let scalar) = root, scalar.string.isEmpty { return }
        var staleAfter = config.policy.defaultStaleAfter
        var rules: [Rule] = []
        for (key, keyNode, value) in try mapping(root, "(top level)") {
            switch key {
            case "ledger": config.ledger = try string(value, key)
            case "stale_after": staleAfter = try self.staleAfter(value, key)
            case "rules": rules = try self.rules(value)
            case "max_resolves_per_run": config.maxResolvesPerRun = try integer(value, key, minimum: 1)
            case "max_resolve_fraction":
                config.maxResolveFraction = try number(value, key, 0.000_001...1, "greater than 0 and at most 1")
            case "retention": config.retention = try duration(value, key)
            case "metrics_file": config.metricsFile = try string(value, key)
            case "bigpanda": try readBigPanda(value, into: &config)
            case "relay": try readRelay(value, into: &config)
            case "token", "bigpanda_token":
                throw fail(
                    keyNode, key,
                    "tokens are never read from the config file; use bigpanda.token_file, BIGPANDA_TOKEN_FILE or BIGPANDA_TOKEN"
                )
            default:
                throw fail(
                    keyNode, key,
                    "unknown key; known keys are ledger, bigpanda, stale_after, rules, max_resolves_per_run, max_resolve_fraction, retention, metrics_file, relay"
                )
            }
        }
        config.policy = StalenessPolicy(defaultStaleAfter: staleAfter, rules: rules)
        if let retention = config.retention, retention <= config.policy.longestFiniteStaleAfter {
            throw ConfigError(
                file: file, key: "retention",
                message:
                    "\(DurationText.format(retention)) must be longer than the longest stale_after (\(DurationText.format(config.policy.longestFiniteStaleAfter)))"
            )
        }
    }

    private func staleAfter(_ node: Node, _ key: String) throws(ConfigError) -> StaleAfter {
        let text = try string(node, key)
        do {
            return try StaleAfter(parsing: text)
        } catch {
            throw fail(node, key, "\(error.description), or never")
        }
    }

    private func rules(_ node: Node) throws(ConfigError) -> [Rule] {
        if case .scalar(let scalar) = node, scalar.string.isEmpty { return [] }
        guard case .sequence(let sequence) = node else {
            throw fail(node, "rules", "must be a list of {name, match, stale_after}")
        }
        var rules: [Rule] = []
        for (index, item) in sequence.enumerated() {
            let prefix = "rules[\(index)]"
            var name: String?
            var match: [(field: String, pattern: GlobPattern)]?
            var staleAfter: StaleAfter?
            for (key, keyNode, value) in try mapping(item, prefix) {
                switch key {
                case "name": name = try string(value, "\(prefix).name")
                case "stale_after": staleAfter = try self.staleAfter(value, "\(prefix).stale_after")
                case "match":
                    var pairs: [(field: String, pattern: GlobPattern)] = []
                    for (field, _, patternNode) in try mapping(value, "\(prefix).match") {
                        let patternKey = "\(prefix).match.\(field)"
                        guard case .scalar(let scalar) = patternNode, !scalar.string.isEmpty else {
                            throw fail(patternNode, patternKey, "a pattern must be a non-empty string")
                        }
                        do {
                            pairs.append((field, try GlobPattern(scalar.string)))
                        } catch {
                            throw fail(patternNode, patternKey, error.reason)
                        }
                    }
                    guard !pairs.isEmpty else { throw fail(value, "\(prefix).match", "must name at least one field") }
                    match = pairs
                default:
                    throw fail(keyNode, "\(prefix).\(key)", "unknown key; a rule has name, match and stale_after")
                }
            }
            guard let name else { throw fail(item, "\(prefix).name", "missing; every rule needs a name") }
            guard let match else {
                throw fail(
                    item, "\(prefix).match", "missing; give the fields to match, e.g. { service: \"payments*\" }")
            }
            guard let staleAfter else {
                throw fail(item, "\(prefix).stale_after", "missing; give a duration such as 3h, or never")
            }
            if rules.contains(where: { $0.name == name }) || name == StalenessPolicy.defaultRuleName {
                throw fail(item, "\(prefix).name", "\"\(name)\" is used twice (or is the reserved name default)")
            }
            rules.append(Rule(name: name, match: match, staleAfter: staleAfter))
        }
        return rules
    }

    private func readBigPanda(_ node: Node, into config: inout ResolverConfig) throws(ConfigError) {
        for (key, keyNode, value) in try mapping(node, "bigpanda") {
            let full = "bigpanda.\(key)"
            switch key {
            case "alerts_url":
                let url = try string(value, full)
                try Self.checkURL(url, key: full, file: file, line: value.mark?.line)
                config.alertsURL = url
            case "token_file": config.tokenFile = try string(value, full)
            case "app_key": config.appKey = try string(value, full)
            case "ca_file": config.caFile = try string(value, full)
            case "requests_per_second":
                config.requestsPerSecond = try number(value, full, 0...10_000, "from 0 (unpaced) to 10000")
            case "batch_size": config.batchSize = try integer(value, full, minimum: 1)
            case "timeout": config.timeout = try duration(value, full)
            case "deadline": config.deadline = try duration(value, full)
            case "token":
                throw fail(
                    keyNode, full,
                    "tokens are never read from the config file; use bigpanda.token_file, BIGPANDA_TOKEN_FILE or BIGPANDA_TOKEN"
                )
            default:
                throw fail(
                    keyNode, full,
                    "unknown key; bigpanda has alerts_url, token_file, app_key, ca_file, requests_per_second, batch_size, timeout, deadline"
                )
            }
        }
    }

    private func readRelay(_ node: Node, into config: inout ResolverConfig) throws(ConfigError) {
        for (key, keyNode, value) in try mapping(node, "relay") {
            let full = "relay.\(key)"
            switch key {
            case "listen": config.relayListen = try string(value, full)
            case "token_file": config.relayTokenFile = try string(value, full)
            case "forward": config.relayForward = try boolean(value, full)
            case "max_body": config.relayMaxBody = try size(value, full)
            case "public_metrics": config.relayPublicMetrics = try boolean(value, full)
            default:
                throw fail(
                    keyNode, full, "unknown key; relay has listen, token_file, forward, max_body, public_metrics")
            }
        }
    }
}
