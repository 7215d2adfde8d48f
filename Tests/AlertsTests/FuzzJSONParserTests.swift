import Alerts
import Foundation
import TestSupport
import Testing

/// Property-based and mutation fuzzing of `JSONParser.parse` and `JSONValue.serialized`.
///
/// `FUZZ_ITERATIONS=1000000 swift test --filter FuzzJSONParserTests` runs the long version; `FUZZ_SEED` replays one.
@Suite struct FuzzJSONParserTests {
    // MARK: Generators

    static let stringPieces: [String] = [
        "a", "Z", " ", "\"", "\\", "/", "\n", "\r", "\t", "\u{0}", "\u{1}", "\u{1F}", "\u{7F}", "é", "e\u{301}",
        "€", "🙂", "\u{FEFF}", "\u{2028}", "\u{10FFFF}", "host", "{", "}", "[", "]", ":", ",", "\\u0041",
    ]

    static func string(using random: inout FuzzRandom) -> String {
        (0..<random.int(0...8)).map { _ in random.pick(stringPieces) }.joined()
    }

    static func number(using random: inout FuzzRandom) -> String {
        var text = random.chance(0.3) ? "-" : ""
        text +=
            random.chance(0.2)
            ? "0" : String(random.int(1...9)) + (0..<random.int(0...25)).map { _ in String(random.int(0...9)) }.joined()
        if random.chance(0.3) { text += "." + (0..<random.int(1...6)).map { _ in String(random.int(0...9)) }.joined() }
        if random.chance(0.2) {
            text += random.pick(["e", "E"]) + random.pick(["", "+", "-"]) + String(random.int(0...400))
        }
        return text
    }

    static func value(depth: Int, using random: inout FuzzRandom) -> JSONValue {
        let kind = depth >= 6 ? random.int(0...3) : random.int(0...5)
        switch kind {
        case 0: return .null
        case 1: return .bool(random.chance(0.5))
        case 2: return .number(number(using: &random))
        case 3: return .string(string(using: &random))
        case 4: return .array((0..<random.int(0...4)).map { _ in value(depth: depth + 1, using: &random) })
        default:
            var object = JSONObject()
            for _ in 0..<random.int(0...5) {
                let key = string(using: &random)
                // Keys must be unique, and Swift compares strings by canonical equivalence, as the parser does.
                if object[key] == nil { object[key] = value(depth: depth + 1, using: &random) }
            }
            return .object(object)
        }
    }

    /// The nesting depth of a value (a scalar is 0).
    static func depth(_ value: JSONValue) -> Int {
        switch value {
        case .array(let items): 1 + (items.map(depth).max() ?? 0)
        case .object(let object): 1 + (object.members.map { depth($0.value) }.max() ?? 0)
        default: 0
        }
    }

    // MARK: Properties

    @Test func generatedValuesRoundTripExactly() async throws {
        try await Fuzz.offPool {
            var random = FuzzRandom(seed: Fuzz.seed("json round trip"))
            let iterations = Fuzz.iterations(ci: 1_500)
            var failures: [String] = []
            for iteration in 0..<iterations where failures.count < 10 {
                let value = Self.value(depth: 0, using: &random)
                let text = value.serialized()
                guard let parsed = try? JSONParser.parse(text) else {
                    failures.append("iteration \(iteration): serialized text does not parse: \(text)")
                    continue
                }
                if parsed != value || parsed.serialized() != text {
                    failures.append("iteration \(iteration): the value does not come back: \(text)")
                }
                // Whitespace between tokens changes nothing.
                if !text.contains("\""), iteration % 8 == 0 {
                    let spaced = text.replacingOccurrences(of: ",", with: " ,\n\t").replacingOccurrences(
                        of: ":", with: "\r\n: ")
                    if (try? JSONParser.parse(" " + spaced + "\n")) != value {
                        failures.append("iteration \(iteration): white space changed the value: \(spaced)")
                    }
                }
            }
            return (failures, "fuzz: JSON round trip: \(iterations) generated values, \(failures.count) failures")
        }
    }

    @Test func mutatedSeedsAndRandomBytesNeverCrashAndWhatParsesRoundTrips() async throws {
        let corpus = Fuzz.corpus("json")
        try #require(!corpus.isEmpty, "fuzz/corpus/json is empty")
        try await Fuzz.offPool {
            var random = FuzzRandom(seed: Fuzz.seed("json mutation"))
            let iterations = Fuzz.iterations(ci: 5_000)
            var accepted = 0
            var failures: [String] = []
            for iteration in 0..<iterations where failures.count < 10 {
                let input =
                    random.chance(0.85)
                    ? Fuzz.mutate(random.pick(corpus), corpus: corpus, using: &random)
                    : Fuzz.randomBytes(using: &random)
                let value: JSONValue
                do throws(JSONParseError) {
                    value = try JSONParser.parse(input)
                } catch {
                    if error.offset < 0 || error.offset > input.count || error.reason.isEmpty {
                        failures.append("iteration \(iteration): bad error \(error) for \(input.count) bytes")
                    }
                    continue
                }
                accepted += 1
                if Self.depth(value) > JSONParser.maxDepth {
                    failures.append("iteration \(iteration): accepted depth \(Self.depth(value))")
                }
                // Only valid UTF-8 is accepted.
                if String(validating: input, as: UTF8.self) == nil {
                    failures.append("iteration \(iteration): accepted invalid UTF-8: \(input)")
                }
                let text = value.serialized()
                guard let again = try? JSONParser.parse(text), again == value, again.serialized() == text else {
                    failures.append("iteration \(iteration): does not round-trip: \(text)")
                    continue
                }
                // Foundation's parser (less strict) accepts whatever ours accepts.
                let foundation = try? JSONSerialization.jsonObject(with: Data(input), options: [.fragmentsAllowed])
                if foundation == nil, !Self.hasHugeNumber(value) {
                    failures.append(
                        "iteration \(iteration): Foundation refuses what JSONParser accepted: \(String(decoding: input, as: UTF8.self))"
                    )
                }
            }
            return (
                failures,
                "fuzz: JSONParser: \(iterations) mutated or random inputs, \(accepted) accepted, \(failures.count) failures"
            )
        }
    }

    /// Foundation refuses numbers outside Double's range; ours keeps their text.
    static func hasHugeNumber(_ value: JSONValue) -> Bool {
        switch value {
        case .number(let text): Double(text).map { !$0.isFinite } ?? true
        case .array(let items): items.contains(where: hasHugeNumber)
        case .object(let object): object.members.contains { hasHugeNumber($0.value) }
        default: false
        }
    }

    @Test(arguments: [1, 2, 63, 64])
    func nestingUpToTheLimitIsAccepted(depth: Int) throws {
        let arrays = String(repeating: "[", count: depth) + String(repeating: "]", count: depth)
        #expect(Self.depth(try JSONParser.parse(arrays)) == depth)
        let objects = String(repeating: #"{"k":"#, count: depth) + "0" + String(repeating: "}", count: depth)
        #expect(Self.depth(try JSONParser.parse(objects)) == depth)
    }

    @Test(arguments: [65, 1_000, 1_000_000])
    func nestingBeyondTheLimitIsRefusedWithoutExhaustingTheStack(depth: Int) {
        for text in [
            String(repeating: "[", count: depth) + String(repeating: "]", count: depth),
            String(repeating: "[", count: depth),
            String(repeating: #"{"k":"#, count: depth) + "0" + String(repeating: "}", count: depth),
            String(repeating: #"[{"k":"#, count: depth / 2 + 1),
        ] {
            #expect(throws: JSONParseError.self) { try JSONParser.parse(text) }
        }
    }

    @Test func numbersKeepTheirExactText() async throws {
        for bad in ["01", "-", "1.", ".5", "1e", "+1", "0x10", "1_000", "NaN", "Infinity", "-Infinity", "١"] {
            #expect(throws: JSONParseError.self, "\(bad)") { try JSONParser.parse("[\(bad)]") }
        }
        try await Fuzz.offPool {
            var random = FuzzRandom(seed: Fuzz.seed("json numbers"))
            var failures: [String] = []
            let iterations = Fuzz.iterations(ci: 2_000)
            for _ in 0..<iterations where failures.count < 10 {
                let text = Self.number(using: &random)
                let integer = !text.contains(".") && !text.contains("e") && !text.contains("E")
                if (try? JSONParser.parse("[\(text)]")) != .array([.number(text)])
                    || JSONValue.number(text).isInteger != integer
                {
                    failures.append("the number \(text) does not keep its text")
                }
            }
            return (failures, "fuzz: JSON numbers: \(iterations) numbers, \(failures.count) failures")
        }
    }

    @Test func everyStringEscapesAndComesBack() async throws {
        try await Fuzz.offPool {
            var random = FuzzRandom(seed: Fuzz.seed("json strings"))
            var failures: [String] = []
            let iterations = Fuzz.iterations(ci: 2_000)
            for _ in 0..<iterations where failures.count < 10 {
                // Any Unicode scalar except the surrogates, which a Swift String cannot hold.
                let scalars = (0..<random.int(0...12)).compactMap { _ -> Unicode.Scalar? in
                    random.chance(0.5)
                        ? Unicode.Scalar(UInt32(random.int(0...0x7F)))
                        : Unicode.Scalar(UInt32(random.int(0...0x10FFFF)))
                }
                let string = String(String.UnicodeScalarView(scalars))
                var bytes: [UInt8] = []
                JSONValue.writeString(string, to: &bytes)
                if (try? JSONParser.parse(bytes)) != .string(string) {
                    failures.append("\(Array(string.unicodeScalars)) does not come back")
                }
                // And through \u escapes of every scalar, with surrogate pairs above U+FFFF.
                var escaped = "\""
                for scalar in string.unicodeScalars {
                    for unit in String(scalar).utf16 { escaped += String(format: "\\u%04x", unit) }
                }
                escaped += "\""
                if (try? JSONParser.parse(escaped)) != .string(string) {
                    failures.append("\(escaped) does not come back")
                }
            }
            return (failures, "fuzz: JSON strings: \(iterations) strings, \(failures.count) failures")
        }
    }
}
