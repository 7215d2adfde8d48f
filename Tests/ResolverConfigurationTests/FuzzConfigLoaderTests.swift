import Alerts
import Foundation
import ResolverConfiguration
import Staleness
import TestSupport
import Testing

/// Property-based and mutation fuzzing of `ConfigLoader.apply(yaml:file:to:)`.
///
/// `FUZZ_ITERATIONS=1000000 swift test --filter FuzzConfigLoaderTests` runs the long version.
@Suite struct FuzzConfigLoaderTests {
    /// A generated valid config: its YAML and what it must load as.
    struct Generated {
        var yaml = ""
        var expected = ResolverConfig()
    }

    static let names = ["payments", "disks-by-hand", "r1", "web_tier", "Ünïcode", "x"]
    static let fields = ["service", "check", "host", "severity", "logzio_account"]
    static let patterns = [
        "payments*", "*latency*", "Disk*", "web-?", "*", "a\"b", "back\\slash", "é*", "# not a comment", "key: value",
        "[1]",
    ]

    static func duration(using random: inout FuzzRandom) -> (String, Int64) {
        var text = ""
        var total: Int64 = 0
        for (unit, scale) in [("d", Int64(86_400)), ("h", 3_600), ("m", 60), ("s", 1)] where random.chance(0.4) {
            let value = Int64(random.int(1...500))
            text += "\(value)\(unit)"
            total += value * scale
        }
        if text.isEmpty { return ("\(random.int(1...59))m", 0) }
        return (text, total)
    }

    /// A YAML double-quoted scalar.
    static func quoted(_ text: String) -> String {
        "\"" + text.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\"", with: "\\\"") + "\""
    }

    static func generate(using random: inout FuzzRandom) throws -> Generated {
        var generated = Generated()
        var lines: [String] = []
        var expected = ResolverConfig()
        if random.chance(0.5) {
            let path = "/var/lib/lr-\(random.int(0...999))/ledger.sqlite"
            lines.append("ledger: \(path)")
            expected.ledger = path
        }
        var bigpanda: [String] = []
        if random.chance(0.5) {
            let url = random.pick(["https://eu-api.bigpanda.io/data/v2/alerts", "http://127.0.0.1:8080/data/v2/alerts"])
            bigpanda.append("alerts_url: \(url)")
            expected.alertsURL = url
        }
        if random.chance(0.4) {
            let rate = random.chance(0.5) ? Double(random.int(0...50)) : Double(random.int(1...99)) / 10
            bigpanda.append("requests_per_second: \(rate)")
            expected.requestsPerSecond = rate
        }
        if random.chance(0.4) {
            let size = random.int(1...1000)
            bigpanda.append("batch_size: \(size)")
            expected.batchSize = size
        }
        for key in ["timeout", "deadline"] where random.chance(0.4) {
            var (text, seconds) = duration(using: &random)
            if seconds == 0 { seconds = (try? DurationText.parse(text)) ?? 0 }
            bigpanda.append("\(key): \(text)")
            if key == "timeout" { expected.timeout = .seconds(seconds) } else { expected.deadline = .seconds(seconds) }
        }
        if random.chance(0.3) {
            let appKey = "app-\(random.int(0...99))"
            bigpanda.append("app_key: \(quoted(appKey))")
            expected.appKey = appKey
        }
        if !bigpanda.isEmpty {
            if random.chance(0.5) {
                lines.append("bigpanda:")
                lines += bigpanda.map { "  " + $0 }
            } else {
                lines.append("bigpanda: { " + bigpanda.joined(separator: ", ") + " }")
            }
        }
        var defaultStale = StaleAfter.after(.seconds(3_600))
        if random.chance(0.5) {
            if random.chance(0.2) {
                lines.append("stale_after: never")
                defaultStale = .never
            } else {
                var (text, seconds) = duration(using: &random)
                if seconds == 0 { seconds = (try? DurationText.parse(text)) ?? 0 }
                lines.append("stale_after: \(text)")
                defaultStale = .after(.seconds(seconds))
            }
        }
        var rules: [Rule] = []
        let ruleCount = random.int(0...3)
        if ruleCount > 0 { lines.append("rules:") }
        var used: Set<String> = []
        for _ in 0..<ruleCount {
            var name = random.pick(names)
            while used.contains(name) { name += "2" }
            used.insert(name)
            var match: [(field: String, pattern: GlobPattern)] = []
            var seenFields: Set<String> = []
            for _ in 0..<random.int(1...3) {
                let field = random.pick(fields)
                if seenFields.insert(field).inserted { match.append((field, try GlobPattern(random.pick(patterns)))) }
            }
            let staleAfter: StaleAfter
            let staleText: String
            if random.chance(0.2) {
                staleAfter = .never
                staleText = "never"
            } else {
                var (text, seconds) = duration(using: &random)
                if seconds == 0 { seconds = (try? DurationText.parse(text)) ?? 0 }
                staleAfter = .after(.seconds(seconds))
                staleText = text
            }
            rules.append(Rule(name: name, match: match, staleAfter: staleAfter))
            let matchText = match.map { "\($0.field): \(quoted($0.pattern.text))" }
            if random.chance(0.5) {
                lines.append("  - name: \(quoted(name))")
                lines.append("    match: { \(matchText.joined(separator: ", ")) }")
                lines.append("    stale_after: \(staleText)")
            } else {
                lines.append("  - stale_after: \(staleText)")
                lines.append("    match:")
                lines += matchText.map { "      " + $0 }
                lines.append("    name: \(quoted(name))")
            }
        }
        expected.policy = StalenessPolicy(defaultStaleAfter: defaultStale, rules: rules)
        if random.chance(0.3) {
            let value = random.int(1...10_000)
            lines.append("max_resolves_per_run: \(value)")
            expected.blastRadius.maxResolvesPerRun = value
        }
        if random.chance(0.3) {
            let value = Double(random.int(1...100)) / 100
            lines.append("max_resolve_fraction: \(value)")
            expected.blastRadius.maxResolveFraction = value
        }
        if random.chance(0.3) {
            let seconds = Int64(expected.policy.longestFiniteStaleAfter / .seconds(1)) + 86_400
            lines.append("retention: \(seconds)s")
            expected.retention = .seconds(seconds)
        }
        if random.chance(0.3) {
            let forward = random.chance(0.5)
            let (body, bytes) = random.pick([
                ("512KiB", 512 << 10), ("1MiB", 1 << 20), ("4096", 4096), ("2MB", 2_000_000),
            ])
            lines.append("relay:")
            lines.append("  forward: \(random.pick(forward ? ["true", "yes", "on"] : ["false", "no", "off"]))")
            lines.append("  max_body: \(body)")
            let listen = "127.0.0.1:\(8000 + random.int(0...999))"
            lines.append("  listen: \(listen)")
            expected.relayForward = forward
            expected.relayMaxBody = bytes
            expected.relayListen = listen
        }
        if random.chance(0.3) { lines.insert("# a comment", at: random.int(0...lines.count)) }
        generated.yaml = lines.joined(separator: "\n") + (random.chance(0.5) ? "\n" : "")
        generated.expected = expected
        return generated
    }

    static func same(_ a: ResolverConfig, _ b: ResolverConfig) -> Bool {
        a.ledger == b.ledger && a.alertsURL == b.alertsURL && a.appKey == b.appKey
            && a.requestsPerSecond == b.requestsPerSecond
            && a.batchSize == b.batchSize && a.timeout == b.timeout && a.deadline == b.deadline && a.policy == b.policy
            && a.blastRadius.maxResolvesPerRun == b.blastRadius.maxResolvesPerRun
            && a.blastRadius.maxResolveFraction == b.blastRadius.maxResolveFraction
            && a.retention == b.retention && a.relayForward == b.relayForward && a.relayMaxBody == b.relayMaxBody
            && a.relayListen == b.relayListen && a.relayPublicMetrics == b.relayPublicMetrics
    }

    @Test func generatedConfigsLoadAsWritten() async throws {
        try await Fuzz.offPool {
            var random = FuzzRandom(seed: Fuzz.seed("config generated"))
            var failures: [String] = []
            let iterations = Fuzz.iterations(ci: 1_000)
            for _ in 0..<iterations where failures.count < 5 {
                let generated = try Self.generate(using: &random)
                var config = ResolverConfig()
                do {
                    try ConfigLoader.apply(yaml: generated.yaml, file: "fuzz.yaml", to: &config)
                } catch {
                    failures.append("a valid config was refused: \(error)\n\(generated.yaml)")
                    continue
                }
                if !Self.same(config, generated.expected) {
                    failures.append("the config did not load as written:\n\(generated.yaml)\ngot \(config)")
                }
            }
            return (failures, "fuzz: ConfigLoader: \(iterations) generated configs, \(failures.count) failures")
        }
    }

    @Test func mutatedConfigsLoadOrFailWithALocatedErrorQuickly() async throws {
        let corpus = Fuzz.corpus("config")
        try #require(!corpus.isEmpty, "fuzz/corpus/config is empty")
        try await Fuzz.offPool {
            var random = FuzzRandom(seed: Fuzz.seed("config mutation"))
            let iterations = Fuzz.iterations(ci: 1_000)
            var refused = 0
            var failures: [String] = []
            var slowest = 0.0
            for iteration in 0..<iterations where failures.count < 10 {
                let bytes =
                    random.chance(0.9)
                    ? Fuzz.mutate(random.pick(corpus), corpus: corpus, using: &random)
                    : Fuzz.randomBytes(using: &random, maxLength: 200)
                let text = String(decoding: bytes, as: UTF8.self)
                let shown = Array(text.unicodeScalars).map { $0.escaped(asASCII: true) }.joined()
                var config = ResolverConfig()
                var caught: ConfigError?
                // CPU time of this thread, so a loaded machine cannot fail the bound.
                let started = Fuzz.threadCPUSeconds()
                do throws(ConfigError) {
                    try ConfigLoader.apply(yaml: text, file: "fuzz.yaml", to: &config)
                } catch {
                    caught = error
                }
                let elapsed = Fuzz.threadCPUSeconds() - started
                slowest = max(slowest, elapsed)
                if elapsed > 1 {
                    failures.append("iteration \(iteration): took \(elapsed) s of CPU: \(shown.prefix(300))")
                }
                guard let error = caught else {
                    // What loads is valid: sane values only.
                    if config.batchSize < 1 || config.blastRadius.maxResolvesPerRun < 1
                        || !(config.blastRadius.maxResolveFraction > 0 && config.blastRadius.maxResolveFraction <= 1)
                        || config.relayMaxBody < 1 || config.timeout < .seconds(1) || config.deadline < .seconds(1)
                    {
                        failures.append("iteration \(iteration): loaded an invalid value from \(shown.prefix(300))")
                    }
                    continue
                }
                refused += 1
                let lineCount = Self.yamlLines(text)
                if error.description.isEmpty || error.file != "fuzz.yaml"
                    || (error.line.map { $0 < 1 || $0 > lineCount + 1 } ?? false)
                {
                    failures.append(
                        "iteration \(iteration): a badly located error (\(error.description)) for \(lineCount) lines: \(shown)"
                    )
                }
            }
            return (
                failures,
                "fuzz: ConfigLoader: \(iterations) mutated configs, \(refused) refused, slowest \(String(format: "%.3f", slowest)) s of CPU, \(failures.count) failures"
            )
        }
    }

    /// How many lines YAML sees: breaks are LF, CR, CR LF, NEL, LS and PS.
    static func yamlLines(_ text: String) -> Int {
        var lines = 1
        var previousCR = false
        for scalar in text.unicodeScalars {
            switch scalar.value {
            case 0x0A: if !previousCR { lines += 1 }
            case 0x0D, 0x85, 0x2028, 0x2029: lines += 1
            default: break
            }
            previousCR = scalar.value == 0x0D
        }
        return lines
    }

    @Test(arguments: [100, 1_000, 100_000])
    func deeplyNestedYAMLIsRefusedWithoutCrashing(depth: Int) {
        for text in [
            "rules: " + String(repeating: "[", count: depth) + String(repeating: "]", count: depth),
            "bigpanda: " + String(repeating: "{a: ", count: depth) + "1" + String(repeating: "}", count: depth),
            String(repeating: "- ", count: depth) + "x",
        ] {
            var config = ResolverConfig()
            #expect(throws: ConfigError.self) { try ConfigLoader.apply(yaml: text, file: "deep.yaml", to: &config) }
        }
    }

    @Test func aliasExpansionIsNotABomb() {
        // Nine levels of nine aliases would be 387 million nodes if expanded.
        var lines = ["a0: &a0 [x, x, x, x, x, x, x, x, x]"]
        for level in 1...9 {
            let previous = Array(repeating: "*a\(level - 1)", count: 9).joined(separator: ", ")
            lines.append("a\(level): &a\(level) [\(previous)]")
        }
        let text = lines.joined(separator: "\n")
        var config = ResolverConfig()
        let elapsed = ContinuousClock().measure {
            #expect(throws: ConfigError.self) { try ConfigLoader.apply(yaml: text, file: "bomb.yaml", to: &config) }
        }
        #expect(elapsed < .seconds(5), "\(elapsed)")
    }
}
