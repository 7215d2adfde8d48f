import AlertsStandIn
import Foundation
import TestSupport
import Testing

/// A small, fast, seedable PRNG (SplitMix64), so a failing random run can be replayed from its seed.
typealias SplitMix64 = FuzzRandom

/// Knobs for the reliability tests: short in CI, long with `RELIABILITY_FULL=1`.
enum Reliability {
    static let environment = ProcessInfo.processInfo.environment

    /// Whether the long versions run (`RELIABILITY_FULL=1`).
    static var full: Bool { environment["RELIABILITY_FULL"] == "1" }

    /// `ci` iterations by default, `full` with `RELIABILITY_FULL=1`.
    static func iterations(ci: Int, full fullCount: Int) -> Int {
        full ? fullCount : ci
    }

    /// The seed for a named test: `RELIABILITY_SEED` when set, else a fresh one. Printed so a failure can be replayed.
    static func seed(_ name: String) -> UInt64 {
        let seed = environment["RELIABILITY_SEED"].flatMap { UInt64($0) } ?? UInt64.random(in: 0...UInt64.max)
        print("reliability: \(name) seed \(seed) (replay with RELIABILITY_SEED=\(seed))")
        return seed
    }

    /// Whether an executable is on this machine's usual paths.
    static func tool(_ name: String) -> String? {
        let directories =
            (environment["PATH"] ?? "").split(separator: ":").map(String.init) + ["/usr/bin", "/bin", "/usr/local/bin"]
        for directory in directories {
            let candidate = directory + "/" + name
            if FileManager.default.isExecutableFile(atPath: candidate) { return candidate }
        }
        return nil
    }
}

/// A process the test starts itself (not through `Scenario.run`), so it can be killed at any moment.
/// Its stdout and stderr go to files; waiting polls, so the test pool is never blocked.
final class Spawned: @unchecked Sendable {
    let process = Process()
    let stdoutFile: String
    let stderrFile: String

    init(executable: String = Binary.path, arguments: [String], environment: [String: String], directory: String) throws
    {
        let tag = UUID().uuidString.prefix(8)
        stdoutFile = directory + "/spawned-\(tag).out"
        stderrFile = directory + "/spawned-\(tag).err"
        _ = FileManager.default.createFile(atPath: stdoutFile, contents: nil)
        _ = FileManager.default.createFile(atPath: stderrFile, contents: nil)
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        process.environment = environment
        process.currentDirectoryURL = URL(fileURLWithPath: directory)
        process.standardInput = FileHandle.nullDevice
        process.standardOutput = FileHandle(forWritingAtPath: stdoutFile)
        process.standardError = FileHandle(forWritingAtPath: stderrFile)
        try ProcessLaunch.run(process)
    }

    deinit {
        if process.isRunning {
            kill(process.processIdentifier, SIGKILL)
        }
    }

    var pid: Int32 { process.processIdentifier }

    /// Sends SIGKILL (the process may have ended already).
    func killHard() {
        if process.isRunning { kill(process.processIdentifier, SIGKILL) }
    }

    /// Waits until the process ended, at most `seconds`; returns the exit status (or the signal) and whether it was a signal.
    func wait(seconds: Double) async throws -> (status: Int32, signalled: Bool)? {
        let deadline = Date().addingTimeInterval(seconds)
        while process.isRunning {
            if Date() > deadline { return nil }
            try await Task.sleep(for: .milliseconds(10))
        }
        return (process.terminationStatus, process.terminationReason == .uncaughtSignal)
    }

    var stdout: String { (try? String(contentsOfFile: stdoutFile, encoding: .utf8)) ?? "" }
    var stderr: String { (try? String(contentsOfFile: stderrFile, encoding: .utf8)) ?? "" }
}

/// Runs any executable on a thread of its own and collects its output.
enum Tool {
    static func run(
        _ executable: String, _ arguments: [String], stdin: String = "", environment: [String: String]? = nil,
        directory: String = "/tmp"
    ) async throws -> RunResult {
        try await Binary.run(
            arguments, stdin: stdin, environment: environment, directory: directory, executable: executable)
    }

    /// `PRAGMA integrity_check` through the sqlite3 CLI; "ok" when the file is sound.
    static func integrityCheck(_ ledger: String) async throws -> String {
        let sqlite = try #require(Reliability.tool("sqlite3"), "the sqlite3 CLI is needed")
        let result = try await run(sqlite, [ledger, "PRAGMA integrity_check"])
        return (result.stdout + result.stderr).trimmingCharacters(in: .whitespacesAndNewlines)
    }

    /// One value from the ledger through the sqlite3 CLI.
    static func query(_ ledger: String, _ sql: String) async throws -> String {
        let sqlite = try #require(Reliability.tool("sqlite3"), "the sqlite3 CLI is needed")
        let result = try await run(sqlite, [ledger, sql])
        return result.stdout.trimmingCharacters(in: .whitespacesAndNewlines)
    }
}

/// A value several threads or tasks add to.
final class Collected<Element: Sendable>: @unchecked Sendable {
    private let lock = NSLock()
    private var items: [Element] = []

    func append(_ item: Element) {
        lock.lock()
        items.append(item)
        lock.unlock()
    }

    var values: [Element] {
        lock.lock()
        defer { lock.unlock() }
        return items
    }
}

extension Scenario {
    /// Writes `count` open alerts (`host` = `prefix-N`, check `cpu`) received `age` seconds ago as JSON Lines and
    /// imports them with one `import`.
    func importOpenAlerts(count: Int, prefix: String, age: Int64 = 7200, appKey: String = Scenario.appKey) async throws
    {
        let receivedAt = nowSeconds() - age
        var text = ""
        text.reserveCapacity(count * 130)
        for index in 0..<count {
            text +=
                #"{"alert":{"app_key":"\#(appKey)","status":"critical","host":"\#(prefix)-\#(index)","check":"cpu"},"received_at":\#(receivedAt)}"#
            text += "\n"
        }
        let file = directory + "/import-\(prefix).jsonl"
        try text.write(toFile: file, atomically: true, encoding: .utf8)
        let result = try await run(["import", file])
        #expect(result.code == 0, "import failed: \(result.stderr)")
    }

    /// Waits (at most 30 s) until the stand-in has seen a request, failing if `process` ends first.
    func waitForFirstRequest(of process: Spawned) async throws {
        let deadline = Date().addingTimeInterval(30)
        while standIn.requestCount == 0 {
            try #require(process.process.isRunning, "the sweep ended before its first request: \(process.stderr)")
            try #require(Date() < deadline, "no request reached BigPanda within 30 s")
            try await Task.sleep(for: .milliseconds(5))
        }
    }

    /// The `alert.host` of every alert `list --state STATE --json` shows.
    func hosts(_ state: String) async throws -> [String] {
        try await list(state).compactMap { ($0["alert"] as? [String: Any])?["host"] as? String }
    }
}

/// Median of a list of numbers (0 for none).
func median(_ values: [Double]) -> Double {
    guard !values.isEmpty else { return 0 }
    let sorted = values.sorted()
    let middle = sorted.count / 2
    return sorted.count % 2 == 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2
}

/// Monotonic seconds, on the same clock as `AlertsStandIn.requestTimes`.
func monotonicSeconds() -> Double {
    var now = timespec()
    clock_gettime(CLOCK_MONOTONIC, &now)
    return Double(now.tv_sec) + Double(now.tv_nsec) / 1e9
}

extension RelayProcess {
    /// Starts a relay on a port below the kernel's ephemeral range, so no outgoing connection (and no
    /// `bind(0)` elsewhere) can take it between choosing and binding; retries if it was taken anyway.
    static func startReliably(scenario: Scenario, environment: [String: String?] = [:]) async throws -> RelayProcess {
        var lastError: (any Error)?
        for _ in 0..<5 {
            do {
                return try await start(scenario: scenario, environment: environment, port: try unreservedPort())
            } catch let error as RelayFailed where error.message.contains("Address already in use") {
                lastError = error
            }
        }
        throw lastError ?? RelayFailed(message: "no free port")
    }
}

/// A free TCP port on 127.0.0.1 in 20000-32767, below Linux's default ephemeral range (32768-60999).
func unreservedPort() throws -> Int {
    for _ in 0..<100 {
        let port = Int.random(in: 20_000...32_767)
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { break }
        defer { close(fd) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        address.sin_port = UInt16(port).bigEndian
        let bound = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                bind(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size))
            }
        }
        if bound == 0 { return port }
    }
    return try freePort()
}
