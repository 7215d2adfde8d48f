import Alerts
import BigPanda
import Staleness
import Yams

/// Walks the YAML tree into `ResolverConfig`, naming the key and line of every problem.
struct YAMLReader {
    let file: String

    func fail(_ node: Node?, _ key: String, _ message: String) -> ConfigError {
        ConfigError(file: file, line: node?.mark?.line, key: key, message: message)
    }

    func mapping(_ node: Node, _ key: String) throws(ConfigError) -> [(key: String, keyNode: Node, value: Node)] {
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

    func string(_ node: Node, _ key: String) throws(ConfigError) -> String {
        guard case .scalar(let scalar) = node, !scalar.string.isEmpty else {
            throw fail(node, key, "must be a non-empty string")
        }
        return scalar.string
    }

    func integer(_ node: Node, _ key: String, minimum: Int) throws(ConfigError) -> Int {
        guard case .scalar(let scalar) = node, let value = Int(scalar.string), value >= minimum else {
            throw fail(node, key, "must be a whole number of at least \(minimum)")
        }
        return value
    }

    func number(_ node: Node, _ key: String, _ range: ClosedRange<Double>, _ rangeText: String)
        throws(ConfigError) -> Double
    {
        guard case .scalar(let scalar) = node, let value = Double(scalar.string), value.isFinite, range.contains(value)
        else {
            throw fail(node, key, "must be a number \(rangeText)")
        }
        return value
    }

    func duration(_ node: Node, _ key: String) throws(ConfigError) -> Int64 {
        let text = try string(node, key)
        do {
            return try DurationText.parse(text)
        } catch {
            throw fail(node, key, error.description)
        }
    }

    func span(_ node: Node, _ key: String) throws(ConfigError) -> Duration {
        .seconds(try duration(node, key))
    }

    func pattern(_ node: Node, _ key: String) throws(ConfigError) -> GlobPattern {
        guard case .scalar(let scalar) = node, !scalar.string.isEmpty else {
            throw fail(node, key, "a pattern must be a non-empty string")
        }
        do {
            return try GlobPattern(scalar.string)
        } catch {
            throw fail(node, key, error.reason)
        }
    }

    /// A YAML boolean (`true`/`yes`/`on` or `false`/`no`/`off`); a bad value is named with the two words
    /// SPEC.md uses for the key (`on or off` for a switch such as `logzio.evidence`).
    func boolean(_ node: Node, _ key: String, spelled words: String = "true or false") throws(ConfigError) -> Bool {
        guard case .scalar(let scalar) = node else { throw fail(node, key, "must be \(words)") }
        switch scalar.string {
        case "true", "yes", "on": return true
        case "false", "no", "off": return false
        default: throw fail(node, key, "must be \(words)")
        }
    }

    func size(_ node: Node, _ key: String) throws(ConfigError) -> Int {
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
        var ruleAuto: [RuleAuto] = []
        var topAuto = config.policy.defaultAuto
        var definitionField = config.policy.definitionField
        for (key, keyNode, value) in try mapping(root, "(top level)") {
            switch key {
            case "ledger": config.ledger = try string(value, key)
            case "stale_after": staleAfter = try self.staleAfter(value, key)
            case "rules": (rules, ruleAuto, config.ruleKeepWhen) = try self.rules(value)
            case "auto_factor": topAuto.factor = try number(value, key, 1...1_000, "from 1 to 1000")
            case "auto_min": topAuto.minimum = try span(value, key)
            case "fallback": topAuto.fallback = try span(value, key)
            case "logzio": try readLogzio(value, into: &config, definitionField: &definitionField)
            case "max_resolves_per_run": config.blastRadius.maxResolvesPerRun = try integer(value, key, minimum: 1)
            case "max_resolve_fraction":
                config.blastRadius.maxResolveFraction = try number(
                    value, key, 0.000_001...1, "greater than 0 and at most 1")
            case "retention": config.retention = try span(value, key)
            case "keep_when": config.keepWhen = try holds(value, key)
            case "metrics_file": config.metricsFile = try string(value, key)
            case "metrics_push":
                let url = try string(value, key)
                try Self.checkURL(url, key: key, file: file, line: value.mark?.line)
                config.metricsPush = url
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
                    "unknown key; known keys are ledger, bigpanda, logzio, stale_after, auto_factor, auto_min, fallback, rules, max_resolves_per_run, max_resolve_fraction, retention, metrics_file, metrics_push, keep_when, relay"
                )
            }
        }
        // A rule takes the top level's auto_factor and auto_min where it sets none; its fallback is its own.
        for index in rules.indices where index < ruleAuto.count {
            rules[index].auto = AutoParameters(
                factor: ruleAuto[index].factor ?? topAuto.factor, minimum: ruleAuto[index].minimum ?? topAuto.minimum,
                fallback: ruleAuto[index].fallback)
        }
        config.policy = StalenessPolicy(
            defaultStaleAfter: staleAfter, rules: rules, defaultAuto: topAuto, definitionField: definitionField)
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
            throw fail(node, key, "\(error.description), or never, or auto")
        }
    }

    /// A rule's own `auto_factor`, `auto_min` and `fallback`, before the top level's fill the gaps.
    struct RuleAuto {
        var factor: Double?
        var minimum: Duration?
        var fallback: Duration?
    }

    private func rules(_ node: Node) throws(ConfigError) -> ([Rule], [RuleAuto], [String: Set<IncidentHold>]) {
        if case .scalar(let scalar) = node, scalar.string.isEmpty { return ([], [], [:]) }
        guard case .sequence(let sequence) = node else {
            throw fail(node, "rules", "must be a list of {name, match, stale_after}")
        }
        var rules: [Rule] = []
        var autos: [RuleAuto] = []
        var keepWhen: [String: Set<IncidentHold>] = [:]
        for (index, item) in sequence.enumerated() {
            let prefix = "rules[\(index)]"
            var name: String?
            var holds: Set<IncidentHold>?
            var match: [(field: String, pattern: GlobPattern)]?
            var staleAfter: StaleAfter?
            var auto = RuleAuto()
            var autoKey: (key: String, node: Node)?
            for (key, keyNode, value) in try mapping(item, prefix) {
                switch key {
                case "name": name = try string(value, "\(prefix).name")
                case "stale_after": staleAfter = try self.staleAfter(value, "\(prefix).stale_after")
                case "keep_when": holds = try self.holds(value, "\(prefix).keep_when")
                case "auto_factor":
                    auto.factor = try number(value, "\(prefix).auto_factor", 1...1_000, "from 1 to 1000")
                    autoKey = (key, keyNode)
                case "auto_min":
                    auto.minimum = try span(value, "\(prefix).auto_min")
                    autoKey = (key, keyNode)
                case "fallback":
                    auto.fallback = try span(value, "\(prefix).fallback")
                    autoKey = (key, keyNode)
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
                    throw fail(
                        keyNode, "\(prefix).\(key)",
                        "unknown key; a rule has name, match, stale_after and keep_when (and with stale_after: auto, fallback, auto_factor, auto_min)"
                    )
                }
            }
            if let autoKey, staleAfter != nil, staleAfter != .auto {
                throw fail(autoKey.node, "\(prefix).\(autoKey.key)", "applies only to a rule with stale_after: auto")
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
            autos.append(auto)
            if let holds { keepWhen[name] = holds }
        }
        return (rules, autos, keepWhen)
    }

    /// `keep_when`: a list of `snoozed`, `maintenance`, `assigned` and `commented`.
    func holds(_ node: Node, _ key: String) throws(ConfigError) -> Set<IncidentHold> {
        let known = IncidentHold.allCases.map(\.rawValue).joined(separator: ", ")
        if case .scalar(let scalar) = node, scalar.string.isEmpty { return [] }
        guard case .sequence(let items) = node else { throw fail(node, key, "must be a list of \(known)") }
        var holds: Set<IncidentHold> = []
        for item in items {
            guard case .scalar(let scalar) = item, let hold = IncidentHold(rawValue: scalar.string) else {
                throw fail(item, key, "each entry must be one of \(known)")
            }
            holds.insert(hold)
        }
        return holds
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
            case "timeout": config.timeout = try span(value, full)
            case "deadline": config.deadline = try span(value, full)
            case "api_url":
                let url = try string(value, full)
                try Self.checkURL(url, key: full, file: file, line: value.mark?.line)
                config.apiURL = url
            case "api_key_file": config.apiKeyFile = try string(value, full)
            case "environment_id": config.environmentID = try string(value, full)
            case "source_system": config.sourceSystem = try pattern(value, full)
            case "incident_query": config.incidentQuery = try string(value, full)
            case "api_requests_per_second":
                config.apiRequestsPerSecond = try number(value, full, 0...10_000, "from 0 (unpaced) to 10000")
            case "close_grace": config.closeGrace = try span(value, full)
            case "comment_on_close": config.commentOnClose = try boolean(value, full)
            case "max_comments_per_run": config.maxCommentsPerRun = try integer(value, full, minimum: 0)
            case "api_key":
                throw fail(
                    keyNode, full,
                    "API keys are never read from the config file; use bigpanda.api_key_file, BIGPANDA_API_KEY_FILE or BIGPANDA_API_KEY"
                )
            case "token":
                throw fail(
                    keyNode, full,
                    "tokens are never read from the config file; use bigpanda.token_file, BIGPANDA_TOKEN_FILE or BIGPANDA_TOKEN"
                )
            default:
                throw fail(
                    keyNode, full,
                    "unknown key; bigpanda has alerts_url, token_file, app_key, ca_file, requests_per_second, batch_size, timeout, deadline, api_url, api_key_file, environment_id, source_system, incident_query, api_requests_per_second, close_grace, comment_on_close, max_comments_per_run"
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
