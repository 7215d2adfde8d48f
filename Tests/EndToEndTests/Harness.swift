import Alerts
import AlertsStandIn
import Foundation
import Testing

/// What one run of the built binary did.
struct RunResult {
    var code: Int32
    var stdout: String
    var stderr: String
}

/// A temporary working directory with a ledger path, a config file and a BigPanda stand-in.
final class Scenario {
    static let token = "e2e-secret-token-8f3a9c"
    static let appKey = "e2e-app-key"

    let directory: String
    let ledger: String
    let standIn: AlertsStandIn
    var configPath: String
    /// Whether `record` also makes the alert known to the stand-in's BigPanda, as the relay would.
    var forwardsToBigPanda = true

    init(config: String = "", apiKey: String? = nil, script: AlertsStandIn.Script? = nil) throws {
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("lr-e2e-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        ledger = directory + "/ledger.sqlite"
        standIn = try AlertsStandIn(
            token: Scenario.token, appKeys: [Scenario.appKey, "other-app"], apiKey: apiKey, script: script)
        configPath = directory + "/config.yaml"
        try writeConfig("bigpanda:\n  requests_per_second: 0\n  deadline: 20s\n" + config)
    }

    deinit {
        standIn.stop()
        try? FileManager.default.removeItem(atPath: directory)
    }

    func writeConfig(_ text: String) throws {
        try text.write(toFile: configPath, atomically: true, encoding: .utf8)
    }

    /// The environment a cron entry would set.
    var environment: [String: String] {
        [
            "BIGPANDA_TOKEN": Scenario.token,
            "BIGPANDA_ALERTS_URL": standIn.alertsURL,
            "LOGZIO_RESOLVER_LEDGER": ledger,
            "LOGZIO_RESOLVER_CONFIG": configPath,
            "PATH": "/usr/bin:/bin",
        ]
    }

    /// Runs the binary with `arguments`, `stdin` and the scenario's environment (plus `extra`, where nil removes).
    @discardableResult
    func run(_ arguments: [String], stdin: String = "", environment extra: [String: String?] = [:]) async throws
        -> RunResult
    {
        var environment = self.environment
        for (key, value) in extra { environment[key] = value }
        return try await Binary.run(arguments, stdin: stdin, environment: environment, directory: directory)
    }

    /// Records an alert for `host`/`check` received at `at` (epoch seconds).
    func record(host: String, check: String = "cpu", status: String = "critical", at: Int64, extra: String = "")
        async throws
    {
        let alert =
            #"{"app_key":"\#(Scenario.appKey)","status":"\#(status)","host":"\#(host)","check":"\#(check)"\#(extra)}"#
        let result = try await run(["record", "--at", String(at)], stdin: alert)
        #expect(result.code == 0, "record failed: \(result.stderr)")
        // BigPanda saw it too: the stand-in's state then shows what an ok does to it.
        if forwardsToBigPanda, let object = try? JSONParser.parse(alert).objectValue {
            standIn.forwarded(object, appKey: Scenario.appKey, at: at)
        }
    }

    /// The hosts BigPanda (the stand-in) shows active.
    var activeHostsInBigPanda: Set<String> {
        Set(standIn.activeAlerts.compactMap { alert in alert.tags.first { $0.name == "host" }?.value.stringValue })
    }

    /// `list --state all --json` parsed.
    func list(_ state: String = "all", now: Int64? = nil) async throws -> [[String: Any]] {
        var arguments = ["list", "--state", state, "--json"]
        if let now { arguments += ["--now", String(now)] }
        let result = try await run(arguments)
        #expect(result.code == 0, "list failed: \(result.stderr)")
        let parsed = try JSONSerialization.jsonObject(with: Data(result.stdout.utf8))
        return parsed as? [[String: Any]] ?? []
    }
}

enum Binary {
    /// The built `logzio-resolver`, beside the test bundle, or $LOGZIO_RESOLVER_BIN.
    static let path: String = {
        if let override = ProcessInfo.processInfo.environment["LOGZIO_RESOLVER_BIN"] { return override }
        var directory = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent()
        for _ in 0..<3 {
            let candidate = directory.appendingPathComponent("logzio-resolver").path
            if FileManager.default.isExecutableFile(atPath: candidate) { return candidate }
            directory = directory.deletingLastPathComponent()
        }
        let fallback = FileManager.default.currentDirectoryPath + "/.build/debug/logzio-resolver"
        return fallback
    }()

    /// Runs the binary on a thread of its own, so waiting for it never blocks the test pool.
    static func run(
        _ arguments: [String], stdin: String, environment: [String: String]?, directory: String,
        executable: String = path
    ) async throws -> RunResult {
        try await withCheckedThrowingContinuation { continuation in
            let thread = Thread {
                continuation.resume(
                    with: Result {
                        try runBlocking(
                            arguments, stdin: stdin, environment: environment, directory: directory,
                            executable: executable)
                    })
            }
            thread.start()
        }
    }

    static func runBlocking(
        _ arguments: [String], stdin: String, environment: [String: String]?, directory: String, executable: String
    ) throws -> RunResult {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        if let environment { process.environment = environment }
        process.currentDirectoryURL = URL(fileURLWithPath: directory)
        let input = Pipe()
        let output = Pipe()
        let errors = Pipe()
        process.standardInput = input
        process.standardOutput = output
        process.standardError = errors
        try ProcessLaunch.run(process)
        writeAll(Array(stdin.utf8), to: input.fileHandleForWriting)
        try input.fileHandleForWriting.close()
        // Read both pipes concurrently so a full pipe never blocks the child.
        let errorData = LockedData()
        let reader = Thread { errorData.set(readToEnd(errors.fileHandleForReading)) }
        reader.start()
        let outputData = readToEnd(output.fileHandleForReading)
        process.waitUntilExit()
        while !errorData.isSet { usleep(1000) }
        return RunResult(
            code: process.terminationStatus,
            stdout: String(decoding: outputData, as: UTF8.self),
            stderr: String(decoding: errorData.value, as: UTF8.self))
    }
}

/// Reads a pipe to its end. Foundation's `readDataToEndOfFile` traps when a signal interrupts its
/// `read` (EINTR), which a test process running many children at once can see; this retries instead.
func readToEnd(_ handle: FileHandle) -> Data {
    var data = Data()
    var buffer = [UInt8](repeating: 0, count: 65_536)
    let descriptor = handle.fileDescriptor
    while true {
        let count = buffer.withUnsafeMutableBytes { read(descriptor, $0.baseAddress, $0.count) }
        if count < 0, errno == EINTR { continue }
        if count <= 0 { break }
        data.append(contentsOf: buffer[0..<count])
    }
    return data
}

/// Serializes `Process.run()`: Foundation's launch is not safe to run on several threads at once (a
/// crash inside it was seen with many end-to-end tests starting children together). Only the launch is
/// serialized; the children run and are waited for in parallel.
enum ProcessLaunch {
    private static let lock = NSLock()

    /// Starts `process`, one launch at a time.
    static func run(_ process: Process) throws {
        lock.lock()
        defer { lock.unlock() }
        try process.run()
    }
}

/// Writes all of `bytes` to a pipe, retrying after a signal (EINTR) where `FileHandle.write` traps.
func writeAll(_ bytes: [UInt8], to handle: FileHandle) {
    var offset = 0
    let descriptor = handle.fileDescriptor
    while offset < bytes.count {
        let count = bytes[offset...].withUnsafeBytes { write(descriptor, $0.baseAddress, $0.count) }
        if count < 0, errno == EINTR { continue }
        if count <= 0 { return }
        offset += count
    }
}

final class LockedData: @unchecked Sendable {
    private let lock = NSLock()
    private var data = Data()
    private var done = false

    func set(_ value: Data) {
        lock.lock()
        data = value
        done = true
        lock.unlock()
    }

    var isSet: Bool {
        lock.lock()
        defer { lock.unlock() }
        return done
    }

    var value: Data {
        lock.lock()
        defer { lock.unlock() }
        return data
    }
}

/// The wall clock in epoch seconds.
func nowSeconds() -> Int64 {
    Int64(Date().timeIntervalSince1970)
}

/// Parses one JSON object printed on stdout.
func jsonObject(_ text: String) throws -> [String: Any] {
    try #require(try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any])
}
