import Alerts
import Staleness
import TestSupport
import Testing

/// Property-based and differential fuzzing of `DurationText` and `GlobPattern`.
///
/// `FUZZ_ITERATIONS=1000000 swift test --filter FuzzDurationAndGlobTests` runs the long version.
@Suite struct FuzzDurationAndGlobTests {
    // MARK: Durations

    /// An independent reading of SPEC.md: one or more `<integer><unit>` groups, units d, h, m, s in that
    /// order, each at most once; a total of zero, or one beyond Int64, is refused.
    static func referenceDuration(_ text: String) -> Int64? {
        let scale: [Character: Int64] = ["d": 86_400, "h": 3_600, "m": 60, "s": 1]
        let order: [Character] = ["d", "h", "m", "s"]
        var total: Int64 = 0
        var digits = ""
        var lastUnit = -1
        var groups = 0
        for character in text {
            if character.isASCII, character.isNumber {
                digits.append(character)
                continue
            }
            guard let unit = order.firstIndex(of: character), unit > lastUnit, !digits.isEmpty,
                let value = Int64(digits), let factor = scale[character]
            else { return nil }
            let (scaled, overflow) = value.multipliedReportingOverflow(by: factor)
            let (sum, overflow2) = total.addingReportingOverflow(scaled)
            if overflow || overflow2 { return nil }
            total = sum
            lastUnit = unit
            digits = ""
            groups += 1
        }
        guard digits.isEmpty, groups > 0, total > 0 else { return nil }
        return total
    }

    static func durationText(using random: inout FuzzRandom) -> String {
        let units = ["d", "h", "m", "s"]
        var text = ""
        for unit in units where random.chance(0.5) {
            let value: String
            switch random.int(0...9) {
            case 0: value = "0"
            case 1: value = String(random.int(0...9)) + String(UInt64.random(in: 0...UInt64.max, using: &random))
            case 2: value = "00" + String(random.int(0...99))
            default: value = String(random.int(1...100_000))
            }
            text += value + unit
        }
        return text
    }

    @Test func durationsParseToTheSumOfTheirGroups() async throws {
        try await Fuzz.offPool {
            var random = FuzzRandom(seed: Fuzz.seed("duration generated"))
            let iterations = Fuzz.iterations(ci: 4_000)
            var failures: [String] = []
            for _ in 0..<iterations where failures.count < 10 {
                let text = Self.durationText(using: &random)
                let expected = Self.referenceDuration(text)
                let actual = try? DurationText.parse(text)
                if actual != expected {
                    failures.append(
                        "\"\(text)\": parsed \(actual.map(String.init) ?? "refused"), expected \(expected.map(String.init) ?? "refused")"
                    )
                }
            }
            return (failures, "fuzz: DurationText generated: \(iterations) durations, \(failures.count) disagreements")
        }
    }

    @Test func mutatedDurationsAgreeWithTheReferenceAndNeverCrash() async throws {
        let corpus = Fuzz.corpus("duration")
        try #require(!corpus.isEmpty, "fuzz/corpus/duration is empty")
        try await Fuzz.offPool {
            var random = FuzzRandom(seed: Fuzz.seed("duration mutation"))
            let iterations = Fuzz.iterations(ci: 4_000)
            var failures: [String] = []
            var accepted = 0
            for _ in 0..<iterations where failures.count < 10 {
                let bytes =
                    random.chance(0.9)
                    ? Fuzz.mutate(random.pick(corpus), corpus: corpus, using: &random)
                    : Fuzz.randomBytes(using: &random, maxLength: 12)
                let text = String(decoding: bytes, as: UTF8.self)
                let expected = Self.referenceDuration(text)
                do throws(DurationError) {
                    let seconds = try DurationText.parse(text)
                    accepted += 1
                    if seconds != expected {
                        failures.append(
                            "\"\(text)\": parsed \(seconds), expected \(expected.map(String.init) ?? "refused")")
                    }
                } catch {
                    if expected != nil {
                        failures.append("\"\(text)\": refused (\(error.reason)), expected \(expected ?? 0)")
                    }
                    if error.text != text || error.description.isEmpty {
                        failures.append("\"\(text)\": the error does not quote the text")
                    }
                }
            }
            return (
                failures,
                "fuzz: DurationText.parse: \(iterations) mutated inputs, \(accepted) accepted, \(failures.count) disagreements"
            )
        }
    }

    /// Every d/h/m/s group written out, so nothing is rounded away.
    static func canonical(_ seconds: Int64) -> String {
        var text = ""
        let days = seconds / 86_400, hours = seconds % 86_400 / 3_600, minutes = seconds % 3_600 / 60,
            rest = seconds % 60
        if days > 0 { text += "\(days)d" }
        if hours > 0 { text += "\(hours)h" }
        if minutes > 0 { text += "\(minutes)m" }
        if rest > 0 { text += "\(rest)s" }
        return text
    }

    @Test func aParsedDurationFormatsBackToTheSameSeconds() async throws {
        #expect(throws: DurationError.self) { try DurationText.parse("99999999999999999999d") }
        #expect(throws: DurationError.self) { try DurationText.parse("106751991167301d") }
        #expect(try DurationText.parse("106751991167300d") == 106_751_991_167_300 * 86_400)
        try await Fuzz.offPool {
            var random = FuzzRandom(seed: Fuzz.seed("duration format"))
            var failures: [String] = []
            let iterations = Fuzz.iterations(ci: 4_000)
            for _ in 0..<iterations where failures.count < 10 {
                let seconds: Int64 =
                    random.chance(0.5)
                    ? Int64(random.int(1...100_000)) : Int64.random(in: 1...(Int64.max / 2), using: &random)
                // Written out in full, it parses back exactly.
                let full = Self.canonical(seconds)
                if (try? DurationText.parse(full)) != seconds {
                    failures.append("\(seconds) written as \(full) does not parse back")
                }
                // The display form drops seconds from an hour up (documented: "3h12m"); it loses less than a minute.
                let shown = DurationText.format(seconds)
                guard let back = try? DurationText.parse(shown) else {
                    failures.append("\(seconds) formats as \(shown), which does not parse")
                    continue
                }
                let lost = seconds - back
                if seconds < 3_600 ? lost != 0 : !(0..<60).contains(lost) {
                    failures.append("\(seconds) formats as \(shown), which is \(back)")
                }
                // StaleAfter reads and writes the same way.
                if (try? StaleAfter(parsing: full)) != .after(.seconds(seconds)) {
                    failures.append("StaleAfter(\(full))")
                }
            }
            return (failures, "fuzz: DurationText.format: \(iterations) values, \(failures.count) failures")
        }
    }

    // MARK: Globs

    /// An obviously correct (exponential-free, memoised) matcher over Characters, as the spec reads.
    static func referenceMatch(_ pattern: [Character], _ subject: [Character]) -> Bool {
        var table = Array(repeating: Array(repeating: false, count: subject.count + 1), count: pattern.count + 1)
        table[pattern.count][subject.count] = true
        for p in stride(from: pattern.count - 1, through: 0, by: -1) {
            for s in stride(from: subject.count, through: 0, by: -1) {
                switch pattern[p] {
                case "*": table[p][s] = table[p + 1][s] || (s < subject.count && table[p][s + 1])
                case "?": table[p][s] = s < subject.count && table[p + 1][s + 1]
                default: table[p][s] = s < subject.count && pattern[p] == subject[s] && table[p + 1][s + 1]
                }
            }
        }
        return table[0][0]
    }

    static let globPieces: [String] = [
        "a", "b", "*", "?", "é", "e\u{301}", "🙂", "-", ".", "\\", "[", "]", " ", "*?", "ab",
    ]
    static let subjectPieces: [String] = ["a", "b", "é", "e", "\u{301}", "🙂", "-", ".", "\\", "[", "]", " ", "*", "?"]

    @Test func globsAgreeWithAReferenceMatcher() async throws {
        try await Fuzz.offPool {
            var random = FuzzRandom(seed: Fuzz.seed("glob differential"))
            var failures: [String] = []
            var matched = 0
            let iterations = Fuzz.iterations(ci: 4_000)
            for _ in 0..<iterations where failures.count < 10 {
                let patternText = (0..<random.int(1...8)).map { _ in random.pick(Self.globPieces) }.joined()
                // Half the subjects are instances of the pattern (wildcards filled in), so both answers are common.
                var subject = ""
                if random.chance(0.5) {
                    for character in patternText {
                        switch character {
                        case "*":
                            subject += (0..<random.int(0...3)).map { _ in random.pick(Self.subjectPieces) }.joined()
                        case "?": subject += random.pick(["a", "é", "🙂", "?", "*"])
                        default: subject.append(character)
                        }
                    }
                    if random.chance(0.3) { subject += random.pick(Self.subjectPieces) }
                } else {
                    subject = (0..<random.int(0...10)).map { _ in random.pick(Self.subjectPieces) }.joined()
                }
                guard let pattern = try? GlobPattern(patternText) else {
                    failures.append("\"\(patternText)\" was refused")
                    continue
                }
                let expected = Self.referenceMatch(Array(patternText), Array(subject))
                let actual = pattern.matches(subject)
                if actual { matched += 1 }
                if actual != expected {
                    failures.append("\"\(patternText)\" on \"\(subject)\": \(actual), expected \(expected)")
                }
            }
            return (
                failures, "fuzz: GlobPattern: \(iterations) pairs, \(matched) matched, \(failures.count) disagreements"
            )
        }
    }

    @Test func aGlobWithoutWildcardsMatchesExactlyItself() async throws {
        let corpus = Fuzz.corpus("glob")
        try #require(!corpus.isEmpty, "fuzz/corpus/glob is empty")
        #expect(throws: GlobPattern.Invalid.self) { try GlobPattern("") }
        try await Fuzz.offPool {
            var random = FuzzRandom(seed: Fuzz.seed("glob literal"))
            var failures: [String] = []
            let everything = try GlobPattern("*")
            let iterations = Fuzz.iterations(ci: 2_000)
            for _ in 0..<iterations where failures.count < 10 {
                let text = String(
                    decoding: Fuzz.mutate(random.pick(corpus), corpus: corpus, using: &random), as: UTF8.self)
                guard !text.isEmpty else { continue }
                let pattern = try GlobPattern(text)
                // '*' and '?' match themselves too, so every pattern matches its own text.
                if !pattern.matches(text) { failures.append("\"\(text)\" does not match its own text") }
                if !text.contains("*"), !text.contains("?") {
                    let other = text + random.pick(["x", "é", " "])
                    if pattern.matches(other) || pattern.matches(String(text.dropLast())) {
                        failures.append("the literal pattern \"\(text)\" matches more than itself")
                    }
                }
                if !everything.matches(text) { failures.append("* does not match \"\(text)\"") }
            }
            return (failures, "fuzz: GlobPattern literal: \(iterations) patterns, \(failures.count) failures")
        }
    }

    @Test func pathologicalGlobsStayFast() async throws {
        try await Fuzz.offPool {
            let subject = String(repeating: "a", count: 1_000)
            var failures: [String] = []
            for text in [
                String(repeating: "*a", count: 40) + "b", String(repeating: "a*", count: 200) + "b",
                "*" + String(repeating: "?", count: 100) + "b",
            ] {
                let pattern = try GlobPattern(text)
                // CPU time of this thread, so a loaded machine cannot fail the bound.
                let started = Fuzz.threadCPUSeconds()
                if pattern.matches(subject) { failures.append("\(text.prefix(20))… matched") }
                let elapsed = Fuzz.threadCPUSeconds() - started
                // Quadratic at worst (about 200,000 steps here), never exponential.
                if elapsed > 5 { failures.append("\(text.prefix(20))…: \(elapsed) s of CPU") }
            }
            return (failures, "fuzz: GlobPattern pathological patterns: \(failures.count) failures")
        }
    }
}
