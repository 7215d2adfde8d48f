import Alerts
import AlertsStandIn
import Foundation
import TestSupport
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
    private let temporary: TemporaryDirectory
    /// The ledger every run uses: the scenario's SQLite file unless a test points it at PostgreSQL.
    var ledger: String
    let standIn: AlertsStandIn
    /// Serves `standIn` over loopback, with the scenario's script of faults.
    let standInServer: StandInLoopback
    var configPath: String
    /// Whether `record` also makes the alert known to the stand-in's BigPanda, as the relay would.
    var forwardsToBigPanda = true

    init(config: String = "", apiKey: String? = nil, script: StandInLoopback.Script? = nil) throws {
        temporary = try TemporaryDirectory(prefix: "lr-e2e")
        directory = temporary.path
        ledger = directory + "/ledger.sqlite"
        standIn = AlertsStandIn(token: Scenario.token, appKeys: [Scenario.appKey, "other-app"], apiKey: apiKey)
        standInServer = try StandInLoopback(serving: standIn, script: script)
        configPath = directory + "/config.yaml"
        try writeConfig("bigpanda:\n  requests_per_second: 0\n  deadline: 20s\n" + config)
    }

    deinit {
        standInServer.stop()
        temporary.remove()
    }

    /// The stand-in's Alerts API URL (`BIGPANDA_ALERTS_URL`).
    var alertsURL: String { standInServer.baseURL + AlertsStandIn.alertsPath }

    /// The stand-in's Incidents API root (`bigpanda.api_url`).
    var apiURL: String { standInServer.baseURL }

    func writeConfig(_ text: String) throws {
        try text.write(toFile: configPath, atomically: true, encoding: .utf8)
    }

    /// The environment a cron entry would set.
    var environment: [String: String] {
        [
            "BIGPANDA_TOKEN": Scenario.token,
            "BIGPANDA_ALERTS_URL": alertsURL,
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

    /// Runs the binary with posix_spawn: Foundation's `Process.run()` crashed inside its launch when the
    /// suite started many children at once. Pipes are made close-on-exec, so no other child inherits them.
    static func runBlocking(
        _ arguments: [String], stdin: String, environment: [String: String]?, directory: String, executable: String
    ) throws -> RunResult {
        struct SpawnError: Error, CustomStringConvertible {
            var description: String
        }
        func makePipe() throws -> (read: Int32, write: Int32) {
            var fds: [Int32] = [-1, -1]
            guard pipe(&fds) == 0 else { throw SpawnError(description: "pipe failed: \(errno)") }
            _ = fcntl(fds[0], F_SETFD, FD_CLOEXEC)
            _ = fcntl(fds[1], F_SETFD, FD_CLOEXEC)
            return (fds[0], fds[1])
        }
        // Pipes are made and the child spawned under one lock, so no other child inherits these pipes
        // between their creation and close-on-exec.
        ProcessLaunch.lock.lock()
        let pipes = Result { try (makePipe(), makePipe(), makePipe()) }
        guard case .success(let (input, output, errors)) = pipes else {
            ProcessLaunch.lock.unlock()
            throw SpawnError(description: "cannot make pipes")
        }
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_adddup2(&actions, input.read, 0)
        posix_spawn_file_actions_adddup2(&actions, output.write, 1)
        posix_spawn_file_actions_adddup2(&actions, errors.write, 2)
        // `env -C` changes to the directory, then runs the binary with the environment given here.
        let argv: [UnsafeMutablePointer<CChar>?] =
            (["/usr/bin/env", "-C", directory, executable] + arguments).map { strdup($0) } + [nil]
        defer { for pointer in argv { free(pointer) } }
        let environmentStrings = (environment ?? ProcessInfo.processInfo.environment).map { "\($0.key)=\($0.value)" }
        let envp: [UnsafeMutablePointer<CChar>?] = environmentStrings.map { strdup($0) } + [nil]
        defer { for pointer in envp { free(pointer) } }
        var pid = pid_t()
        let spawned = posix_spawn(&pid, "/usr/bin/env", &actions, nil, argv, envp)
        ProcessLaunch.lock.unlock()
        close(input.read)
        close(output.write)
        close(errors.write)
        guard spawned == 0 else {
            close(input.write)
            close(output.read)
            close(errors.read)
            throw SpawnError(description: "posix_spawn \(executable) failed: \(spawned)")
        }
        writeAll(Array(stdin.utf8), to: input.write)
        close(input.write)
        // Read both pipes concurrently so a full pipe never blocks the child.
        let errorData = Recorder<Data?>(nil)
        let reader = Thread {
            let data = readToEnd(errors.read)
            errorData.update { $0 = data }
        }
        reader.start()
        let outputData = readToEnd(output.read)
        var status: Int32 = 0
        while waitpid(pid, &status, 0) < 0, errno == EINTR {}
        while errorData.value == nil { usleep(1000) }
        close(output.read)
        close(errors.read)
        // As Process reports it: the exit status, or the signal's number for a child killed by one.
        let signal = status & 0x7f
        return RunResult(
            code: signal == 0 ? (status >> 8) & 0xff : signal,
            stdout: String(decoding: outputData, as: UTF8.self),
            stderr: String(decoding: errorData.value ?? Data(), as: UTF8.self))
    }
}

/// The wall clock in epoch seconds.
func nowSeconds() -> Int64 {
    Int64(Date().timeIntervalSince1970)
}
