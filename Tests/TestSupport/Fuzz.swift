public import Foundation

// TestSupport is a plain target, so `swift build` of everything (a release build with the Swift runtime
// linked in, where the Testing module is not available) compiles it too.
#if canImport(Testing)
    import Testing
#endif

/// Iteration counts, seeds, seed corpora and byte-level mutations shared by the fuzz tests.
public enum Fuzz {
    /// The test process's environment.
    public static let environment = ProcessInfo.processInfo.environment

    /// `FUZZ_ITERATIONS` when set, else `ci` (sized so each fuzz test takes a second or two).
    public static func iterations(ci: Int) -> Int {
        environment["FUZZ_ITERATIONS"].flatMap { Int($0) }.map { max(1, $0) } ?? ci
    }

    /// `FUZZ_SEED` when set, else a fixed seed per test, so CI runs are the same every time.
    public static func seed(_ name: String) -> UInt64 {
        if let text = environment["FUZZ_SEED"], let seed = UInt64(text) { return seed }
        // FNV-1a of the name: stable across runs and platforms.
        var hash: UInt64 = 0xCBF2_9CE4_8422_2325
        for byte in name.utf8 {
            hash ^= UInt64(byte)
            hash = hash &* 0x0000_0100_0000_01B3
        }
        return hash
    }

    /// The repository root, found from this file's path.
    public static let root: URL = {
        var directory = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        for _ in 0..<4 {
            if FileManager.default.fileExists(atPath: directory.appendingPathComponent("Package.swift").path) {
                return directory
            }
            directory = directory.deletingLastPathComponent()
        }
        return URL(fileURLWithPath: FileManager.default.currentDirectoryPath)
    }()

    /// The seed inputs in `fuzz/corpus/<name>/`, sorted by file name.
    public static func corpus(_ name: String) -> [[UInt8]] {
        let directory = root.appendingPathComponent("fuzz/corpus/\(name)")
        let files = ((try? FileManager.default.contentsOfDirectory(atPath: directory.path)) ?? []).sorted()
        return files.compactMap {
            FileManager.default.contents(atPath: directory.appendingPathComponent($0).path).map { Array($0) }
        }
    }

    /// Byte sequences that tend to break parsers.
    public static let specials: [[UInt8]] = [
        Array("\"".utf8), Array("\\".utf8), Array("\\u".utf8), Array("\\ud800".utf8), Array("\\udc00".utf8),
        Array("{".utf8), Array("}".utf8), Array("[".utf8), Array("]".utf8), Array(":".utf8), Array(",".utf8),
        Array("*".utf8), Array("?".utf8), Array("-".utf8), Array("0".utf8), Array("1e999".utf8), Array("-0".utf8),
        Array("null".utf8), Array("true".utf8), Array("&a".utf8), Array("*a".utf8), Array("!!binary".utf8),
        Array("#".utf8), Array("\n".utf8), Array("\r\n".utf8), Array("\t".utf8), Array(" ".utf8), Array("'".utf8),
        [0x00], [0x7F], [0xFF], [0xC0, 0xAF], [0xED, 0xA0, 0x80], [0xE2, 0x82], [0xF4, 0x90, 0x80, 0x80],
        Array("é".utf8), Array("e\u{301}".utf8), Array("\u{212A}".utf8), Array("🙂".utf8), Array("\u{FEFF}".utf8),
        Array("9223372036854775807".utf8), Array("9223372036854775808".utf8), Array("99999999999999999999d".utf8),
    ]

    /// One random mutation of `input`: flip, delete, insert, duplicate, truncate, splice or nest.
    public static func mutate(_ input: [UInt8], corpus: [[UInt8]], using random: inout FuzzRandom) -> [UInt8] {
        var bytes = input
        let rounds = random.int(1...4)
        for _ in 0..<rounds {
            let position = bytes.isEmpty ? 0 : random.int(0...bytes.count - 1)
            switch random.int(0...8) {
            case 0 where !bytes.isEmpty:
                bytes[position] ^= UInt8(1 << random.int(0...7))
            case 1 where !bytes.isEmpty:
                let end = min(bytes.count, position + random.int(1...8))
                bytes.removeSubrange(position..<end)
            case 2:
                bytes.insert(contentsOf: random.pick(specials), at: position)
            case 3:
                bytes.insert(UInt8.random(in: 0...255, using: &random), at: position)
            case 4 where !bytes.isEmpty:
                let end = min(bytes.count, position + random.int(1...16))
                bytes.insert(contentsOf: bytes[position..<end], at: position)
            case 5 where !bytes.isEmpty:
                bytes = Array(bytes.prefix(position))
            case 6 where !corpus.isEmpty:
                let other = random.pick(corpus)
                let cut = other.isEmpty ? 0 : random.int(0...other.count - 1)
                bytes = Array(bytes.prefix(position)) + other.suffix(from: cut)
            case 7:
                let depth = random.pick([2, 10, 63, 64, 65, 200, 5000])
                let open = random.chance(0.5) ? Array("[".utf8) : Array("{\"a\":".utf8)
                let close = open.count == 1 ? Array("]".utf8) : Array("}".utf8)
                bytes =
                    Array(Array(repeating: open, count: depth).joined()) + bytes
                    + Array(Array(repeating: close, count: depth).joined())
            default:
                bytes[position...].reverse()
            }
        }
        return bytes
    }

    /// Runs a CPU-bound fuzz loop on a thread of its own, so it never holds a thread of the Swift cooperative
    /// pool (which async tests elsewhere need to resume on time). `body` returns failure messages, recorded here.
    public static func offPool(_ body: @escaping @Sendable () throws -> (failures: [String], summary: String))
        async throws
    {
        // A lower priority (nice 10) for the loop, so it does not starve timing tests.
        let (failures, summary) = try await OffPool.run(niceness: 10, body)
        print(summary)
        #if canImport(Testing)
            for failure in failures.prefix(20) {
                Issue.record(Comment(rawValue: failure))
            }
        #endif
    }

    /// CPU seconds this thread has used: a time bound that a loaded machine cannot break.
    public static func threadCPUSeconds() -> Double {
        var now = timespec()
        clock_gettime(CLOCK_THREAD_CPUTIME_ID, &now)
        return Double(now.tv_sec) + Double(now.tv_nsec) / 1e9
    }

    /// Random bytes, biased towards printable ASCII.
    public static func randomBytes(using random: inout FuzzRandom, maxLength: Int = 64) -> [UInt8] {
        (0..<random.int(0...maxLength)).map { _ in
            random.chance(0.8)
                ? UInt8.random(in: 0x20...0x7E, using: &random) : UInt8.random(in: 0...255, using: &random)
        }
    }
}
