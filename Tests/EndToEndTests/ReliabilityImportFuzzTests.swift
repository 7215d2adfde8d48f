import Alerts
import Foundation
import TestSupport
import Testing

/// Fuzzes `import`'s JSON Lines reader through the built binary: generated files of good, mutated,
/// blank and random lines, judged line by line with an in-process model of SPEC.md's import rules.
///
/// `FUZZ_ITERATIONS=N` sets the number of lines (default 600, in files of at most 2,000 lines).
@Suite struct ReliabilityImportFuzzTests {
    enum Line: Sendable {
        case blank
        case good(identity: String, receivedAt: Int64?)
        case bad
    }

    /// SPEC.md's reading of one line, with the library's parser and validation.
    static func model(_ bytes: [UInt8]) -> Line {
        if bytes.allSatisfy({ $0 == 0x20 || $0 == 0x09 || $0 == 0x0D }) { return .blank }
        guard let value = try? JSONParser.parse(bytes) else { return .bad }
        var payload = value
        var receivedAt: Int64?
        if let object = value.objectValue, object["alert"] != nil,
            object.keys.allSatisfy({ $0 == "alert" || $0 == "received_at" })
        {
            guard case .object = object["alert"] else { return .bad }
            payload = object["alert"] ?? .null
            if let stamp = object["received_at"] {
                let text: String?
                switch stamp {
                case .string(let string): text = string
                case .number(let number) where stamp.isInteger: text = number
                default: text = nil
                }
                guard let text, let seconds = EpochTime.parse(text) else { return .bad }
                receivedAt = seconds
            }
        }
        guard let alert = try? Alert.validate(payload, defaultAppKey: nil) else { return .bad }
        return .good(identity: alert.identity.key, receivedAt: receivedAt)
    }

    static let hosts = ["web-1", "web-2", "db", "é", "e\u{301}", "🙂", "a\\\"b", "tab\\there", "x y", "1", "0"]

    static func goodLine(using random: inout FuzzRandom) -> String {
        let host = random.pick(hosts)
        let status = random.pick(["critical", "Warning", "OK", "unknown", "acknowledged"])
        var alert = #"{"app_key":"e2e-app-key","status":"\#(status)","host":"\#(host)""#
        if random.chance(0.5) { alert += #","check":"c\#(random.int(0...3))""# }
        if random.chance(0.2) { alert += #","timestamp":\#(1_764_237_600 + random.int(0...1000))"# }
        if random.chance(0.2) { alert += #","nested":{"a":[1,{"b":null}]}"# }
        alert += "}"
        switch random.int(0...3) {
        case 0: return #"{"alert":\#(alert),"received_at":"2026-11-2\#(random.int(0...7))T10:00:00Z"}"#
        case 1: return #"{"received_at":\#(1_764_000_000 + random.int(0...99_999)),"alert":\#(alert)}"#
        case 2: return #"{"alert":\#(alert)}"#
        default: return alert
        }
    }

    static func file(lines count: Int, using random: inout FuzzRandom, corpus: [[UInt8]]) -> [[UInt8]] {
        var lines: [[UInt8]] = []
        for _ in 0..<count {
            var line: [UInt8]
            switch random.int(0...19) {
            case 0...7: line = Array(goodLine(using: &random).utf8)
            case 8...15:
                let seed = random.chance(0.5) ? Array(goodLine(using: &random).utf8) : random.pick(corpus)
                line = Fuzz.mutate(seed, corpus: corpus, using: &random)
            case 16: line = Array(random.pick(["", " ", "\t", "\r", "  \t\r"]).utf8)
            case 17: line = Fuzz.randomBytes(using: &random, maxLength: 80)
            case 18: line = Array(#"{"alert":"not an object"}"#.utf8)
            default:
                line = Array(
                    #"{"alert":{"app_key":"e2e-app-key","status":"ok","host":"h"},"received_at":"yesterday"}"#.utf8)
            }
            lines.append(line.map { $0 == 0x0A ? 0x20 : $0 })
        }
        return lines
    }

    @Test func generatedJSONLinesFilesAreImportedExactlyAsTheModelSays() async throws {
        var random = FuzzRandom(seed: Fuzz.seed("import lines"))
        let corpus = Fuzz.corpus("json") + Fuzz.corpus("jsonl")
        try #require(!corpus.isEmpty)
        let total = Fuzz.iterations(ci: 600)
        var remaining = total
        var fileIndex = 0
        var goodTotal = 0
        var badTotal = 0
        while remaining > 0 {
            let count = min(remaining, fileIndex == 0 ? 300 : 2_000)
            remaining -= count
            fileIndex += 1
            // Seconds of generating and parsing: on a thread of its own, off the pool the timing tests need.
            let (lines, verdicts, advanced) = try await OffPool.run(niceness: 10) { [random] in
                var random = random
                let lines = Self.file(lines: count, using: &random, corpus: corpus)
                return (lines, lines.map(Self.model), random)
            }
            random = advanced
            let bad = Set(
                verdicts.enumerated().compactMap { index, verdict in
                    if case .bad = verdict { return index + 1 } else { return nil }
                })
            // Compared as bytes, as the ledger stores them (Swift's String equality would merge "é" and "e\u{301}").
            let identities = Set(
                verdicts.compactMap { verdict in
                    if case .good(let identity, _) = verdict { return Array(identity.utf8) } else { return nil }
                })
            // Each identity's receive time as the model sees it: the latest `received_at` of its good lines,
            // or the import's own time when one of them has none (the current event is the latest received).
            var explicit: [[UInt8]: Int64] = [:]
            var implicit: Set<[UInt8]> = []
            for verdict in verdicts {
                guard case .good(let identity, let receivedAt) = verdict else { continue }
                let key = Array(identity.utf8)
                if let receivedAt {
                    explicit[key] = max(explicit[key] ?? .min, receivedAt)
                } else {
                    implicit.insert(key)
                }
            }
            goodTotal += verdicts.filter { if case .good = $0 { true } else { false } }.count
            badTotal += bad.count

            let scenario = try Scenario()
            let path = scenario.directory + "/fuzz-\(fileIndex).jsonl"
            var bytes = Array(lines.joined(separator: [0x0A]))
            if random.chance(0.5) { bytes.append(0x0A) }
            try Data(bytes).write(to: URL(fileURLWithPath: path))

            // All or nothing: any bad line fails the import, names every bad line, and changes nothing.
            let importStarted = nowSeconds()
            let strict = try await scenario.run(["import", path])
            #expect(strict.code == (bad.isEmpty ? 0 : 65), "file \(fileIndex): \(strict.stderr.prefix(500))")
            if !bad.isEmpty {
                #expect(
                    Self.lineNumbers(strict.stderr, path: path) == Set(bad.sorted().prefix(1000)), "file \(fileIndex)")
                #expect(try await scenario.list("all").isEmpty)
            }
            // --skip-invalid: the good lines go in, each bad one is reported.
            let skipping = try await scenario.run(["import", "--skip-invalid", path])
            #expect(skipping.code == (identities.isEmpty ? 65 : 0), "file \(fileIndex): \(skipping.stderr.suffix(300))")
            #expect(
                Self.lineNumbers(skipping.stderr, path: path) == bad,
                "file \(fileIndex): the bad lines reported differ from the model's")
            let importEnded = nowSeconds()
            let received = try await Self.storedReceiveTimes(scenario)
            let stored = Set(received.keys)
            let sameIdentities = stored == identities
            var wrongTimes: [String] = []
            for (identity, at) in received where identities.contains(identity) {
                let floor = explicit[identity] ?? .min
                let range =
                    implicit.contains(identity)
                    ? max(floor, importStarted)...max(floor, importEnded) : floor...floor
                if !range.contains(at) {
                    wrongTimes.append("\(String(decoding: identity, as: UTF8.self)): \(at), model \(range)")
                }
            }
            #expect(wrongTimes.isEmpty, "file \(fileIndex): last_received differs: \(wrongTimes.prefix(5))")
            #expect(
                sameIdentities,
                """
                file \(fileIndex): \(stored.count) identities stored, the model has \(identities.count); \
                missing \(Self.show(identities.subtracting(stored))), unexpected \(Self.show(stored.subtracting(identities)))
                """)
            #expect(try await Tool.integrityCheck(scenario.ledger) == "ok")
        }
        print("fuzz: import: \(total) lines in \(fileIndex) files, \(goodTotal) good, \(badTotal) bad")
    }

    /// The identity key (as bytes) of every alert `list --state all --json` shows, read with the library's
    /// parser (Foundation's would do, but the bytes are what matter) from each element's stored `alert`, with
    /// its `last_received` in epoch seconds.
    static func storedReceiveTimes(_ scenario: Scenario) async throws -> [[UInt8]: Int64] {
        let result = try await scenario.run(["list", "--state", "all", "--json"])
        try #require(result.code == 0, "list failed: \(result.stderr)")
        guard case .array(let elements) = try JSONParser.parse(Array(result.stdout.utf8)) else {
            Issue.record("list --json printed no array: \(result.stdout.prefix(200))")
            return [:]
        }
        var identities: [[UInt8]: Int64] = [:]
        for element in elements {
            let payload = try #require(element.objectValue?["alert"], "an element without alert")
            let alert = try Alert.validate(payload, defaultAppKey: nil)
            #expect(element.objectValue?["app_key"]?.stringValue == alert.identity.appKey)
            #expect(element.objectValue?["identity"]?.stringValue == alert.identity.display)
            let text = try #require(element.objectValue?["last_received"]?.stringValue, "no last_received")
            let at = try #require(EpochTime.parse(text), "last_received \(text)")
            let key = Array(alert.identity.key.utf8)
            #expect(identities[key] == nil, "list shows the identity \(alert.identity.key) twice")
            identities[key] = at
        }
        return identities
    }

    /// A few identity keys, for a failure message.
    static func show(_ identities: Set<[UInt8]>) -> String {
        let shown = identities.prefix(5).map { String(decoding: $0, as: UTF8.self) }
        return "[" + shown.joined(separator: ", ") + (identities.count > 5 ? ", ..." : "") + "]"
    }

    /// The N of every `logzio-resolver: PATH: line N:` in stderr.
    static func lineNumbers(_ stderr: String, path: String) -> Set<Int> {
        let prefix = "logzio-resolver: \(path): line "
        var numbers: Set<Int> = []
        for line in stderr.split(separator: "\n") where line.hasPrefix(prefix) {
            let digits = line.dropFirst(prefix.count).prefix { $0.isNumber }
            if let number = Int(digits) { numbers.insert(number) }
        }
        return numbers
    }
}
