import Alerts
import AlertsStandIn
import Curl
import Foundation
import TestSupport
import Testing

/// Tokens never appear in output, logs, errors or the ledger, whatever BigPanda or the network does; the
/// ledger and its lock are private; a token file others can read draws a warning.
@Suite(.timingSensitive) struct ReliabilitySecretsTests {
    /// How BigPanda (or the network) misbehaves in one run; most answers echo the Authorization header back.
    enum Mode: String, CaseIterable, Sendable {
        case success, echo401, echo403, echo400Text, echo400JSON, echo503, echo429, reset, blackHole, plainHTTPForTLS

        func reply(_ request: ReceivedRequest) -> Reply? {
            let header = request.header("Authorization") ?? ""
            let escaped = JSONValue.string("the header was \(header)").serialized()
            switch self {
            case .success: return .json(201, #"{"status":"created"}"#)
            case .echo401: return .json(401, #"{"status":"failure","error":\#(escaped)}"#)
            case .echo403: return .json(403, #"{"error":\#(escaped)}"#)
            case .echo400Text: return .respond(status: 400, headers: [], body: Array("rejected: \(header)".utf8))
            case .echo400JSON: return .json(400, #"{"message":\#(escaped)}"#)
            case .echo503: return .json(503, #"{"error":\#(escaped)}"#)
            case .echo429:
                return .respond(
                    status: 429, headers: [HeaderField("Retry-After", "0")], body: Array("slow down \(header)".utf8))
            case .reset: return .reset
            case .blackHole: return .hang
            case .plainHTTPForTLS: return nil
            }
        }
    }

    /// Everything one run left behind: both output streams and the ledger's bytes.
    struct Traces: Sendable {
        var mode: String
        var code: Int32
        var texts: [String]
        var ledgerBytes: [Data]
    }

    static func traces(mode: Mode, token: String) async throws -> Traces {
        let scenario = try Scenario(script: { _, request in mode.reply(request) })
        try scenario.writeConfig(
            "bigpanda:\n  requests_per_second: 0\n  batch_size: 1\n  timeout: 1s\n  deadline: 2s\n")
        try await scenario.importOpenAlerts(count: 3, prefix: "s")
        var environment: [String: String?] = ["BIGPANDA_TOKEN": token]
        if mode == .plainHTTPForTLS {
            environment["BIGPANDA_ALERTS_URL"] = scenario.alertsURL.replacingOccurrences(
                of: "http://", with: "https://")
        }
        var texts: [String] = []
        var code: Int32 = 0
        for arguments in [
            ["sweep", "--verbose", "--log-format", "json", "--json"], ["sweep", "--verbose"],
            ["list", "--state", "all", "--json"],
        ] {
            let result = try await scenario.run(arguments, environment: environment)
            if arguments[0] == "sweep", arguments.contains("--json") { code = result.code }
            texts += [result.stdout, result.stderr]
        }
        if mode == .success {
            #expect(code == 0, "\(texts)")
        } else {
            #expect(code == 1, "\(mode): \(texts)")
        }
        var ledgerBytes: [Data] = []
        for suffix in ["", "-wal", "-shm", ".lock"] {
            if let data = FileManager.default.contents(atPath: scenario.ledger + suffix) { ledgerBytes.append(data) }
        }
        return Traces(mode: mode.rawValue, code: code, texts: texts, ledgerBytes: ledgerBytes)
    }

    /// The forms a token could take in output: as is, and as JSON would escape it.
    static func forms(of token: String) -> [String] {
        let escaped = String(JSONValue.string(token).serialized().dropFirst().dropLast())
        return Array(Set([token, escaped]))
    }

    @Test(arguments: ["bp-secret-7c1e2d9a4b", #"bp"quoted\slashed/token-55"#])
    func theTokenAppearsNowhereUnderAnyFailure(token: String) async throws {
        let all = try await withThrowingTaskGroup(of: Traces.self) { group in
            for mode in Mode.allCases {
                group.addTask { try await Self.traces(mode: mode, token: token) }
            }
            var all: [Traces] = []
            for try await traces in group { all.append(traces) }
            return all
        }
        #expect(all.count == Mode.allCases.count)
        for traces in all {
            for form in Self.forms(of: token) {
                for text in traces.texts {
                    #expect(!text.contains(form), "\(traces.mode): the token is in the output: \(text.prefix(2000))")
                }
                for data in traces.ledgerBytes {
                    #expect(data.range(of: Data(form.utf8)) == nil, "\(traces.mode): the token is in the ledger files")
                }
            }
        }
    }

    @Test func theTokenIsNotEchoedByConfigErrorsOrTokenFileWarnings() async throws {
        let token = "bp-config-secret-31f0a8"
        let scenario = try Scenario()
        try await scenario.record(host: "h", at: nowSeconds() - 7200)
        // A token put in the config file is refused without being repeated.
        try scenario.writeConfig("bigpanda:\n  token: \(token)\n")
        var result = try await scenario.run(["sweep", "--verbose", "--log-format", "json"])
        #expect(result.code == 78)
        #expect(!(result.stdout + result.stderr).contains(token), "\(result.stderr)")
        try scenario.writeConfig("token: \(token)\n")
        result = try await scenario.run(["sweep"])
        #expect(result.code == 78)
        #expect(!(result.stdout + result.stderr).contains(token), "\(result.stderr)")

        // A token file readable by others draws a warning that names the file, never its content.
        try scenario.writeConfig("bigpanda:\n  requests_per_second: 0\n")
        let file = scenario.directory + "/token"
        try (Scenario.token + "\n").write(toFile: file, atomically: true, encoding: .utf8)
        chmod(file, 0o644)
        result = try await scenario.run(
            ["sweep", "--verbose"], environment: ["BIGPANDA_TOKEN": nil, "BIGPANDA_TOKEN_FILE": file])
        #expect(result.code == 0, "\(result.stderr)")
        #expect(result.stderr.contains("readable by group or others"), "\(result.stderr)")
        #expect(!(result.stdout + result.stderr).contains(Scenario.token))
        #expect(try await scenario.hosts("resolved") == ["h"])

        // Mode 0600: no warning.
        chmod(file, 0o600)
        result = try await scenario.run(["sweep"], environment: ["BIGPANDA_TOKEN": nil, "BIGPANDA_TOKEN_FILE": file])
        #expect(result.code == 0)
        #expect(!result.stderr.contains("readable by group or others"))
        // Group-readable only (0640) still warns.
        chmod(file, 0o640)
        result = try await scenario.run(["sweep"], environment: ["BIGPANDA_TOKEN": nil, "BIGPANDA_TOKEN_FILE": file])
        #expect(result.code == 0, "\(result.stderr)")
        #expect(result.stderr.contains("readable by group or others"))
    }

    @Test func checkReadsEveryLogzioTokenSourceEvenWhenNoAlertNeedsIt() async throws {
        let scenario = try Scenario()
        let missing = scenario.directory + "/no-such-token"
        // No rule is auto and the ledger is empty: nothing would read Logz.io, but check reads every
        // token file the config names, so a wrong path shows before the first alert needs it.
        for config in [
            "logzio:\n  token_file: \(missing)\n",
            "logzio:\n  accounts:\n    - id: 7\n      token_file: \(missing)\n",
        ] {
            try scenario.writeConfig(config)
            let result = try await scenario.run(["check"])
            #expect(result.code == 78, "\(config): \(result.stderr)")
            #expect(result.stderr.contains("cannot read the token file \(missing)"), "\(result.stderr)")
            #expect(result.stderr.split(separator: "\n").count == 1, "\(result.stderr)")
        }
        // A loose one is one warning, and check passes.
        let file = scenario.directory + "/logzio-token"
        try "logzio-secret-4d1c\n".write(toFile: file, atomically: false, encoding: .utf8)
        chmod(file, 0o644)
        try scenario.writeConfig("logzio:\n  accounts:\n    - id: 7\n      token_file: \(file)\n")
        let result = try await scenario.run(["check"])
        #expect(result.code == 0, "\(result.stderr)")
        #expect(result.stderr.components(separatedBy: "readable by group or others").count == 2, "\(result.stderr)")
        #expect(!(result.stdout + result.stderr).contains("logzio-secret-4d1c"))
    }

    @Test func theRelayNeverShowsEitherToken() async throws {
        let bigPandaToken = Scenario.token
        let scenario = try Scenario(script: { number, request in
            let header = request.header("Authorization") ?? ""
            return number % 2 == 1
                ? .json(503, #"{"error":"busy, \#(header)"}"#) : .json(400, #"{"error":"bad, \#(header)"}"#)
        })
        let relay = try await RelayProcess.startReliably(
            scenario: scenario, environment: ["LOGZIO_RESOLVER_RELAY_TOKEN": RelayProcess.relayToken])
        for index in 0..<5 {
            #expect(
                try await relay.post(#"{"app_key":"e2e-app-key","status":"critical","host":"r\#(index)"}"#).0 == 202)
        }
        // A client guessing tokens: the guess is not logged either.
        #expect(try await relay.post("{}", token: "guess-\(bigPandaToken)").0 == 401)
        #expect(try await eventually(20) { scenario.standIn.requestCount >= 2 })
        let health = try await relay.client.send(
            .init(method: "GET", url: relay.baseURL + "/healthz", timeout: .seconds(5)))
        let healthText = String(decoding: health.body, as: UTF8.self)
        #expect(relay.terminate() == 0)
        for text in [relay.stderr, healthText] {
            #expect(!text.contains(bigPandaToken), "\(text.prefix(1500))")
            #expect(!text.contains(RelayProcess.relayToken), "\(text.prefix(1500))")
        }
        for suffix in ["", "-wal"] {
            if let data = FileManager.default.contents(atPath: scenario.ledger + suffix) {
                #expect(data.range(of: Data(bigPandaToken.utf8)) == nil)
                #expect(data.range(of: Data(RelayProcess.relayToken.utf8)) == nil)
            }
        }
    }

    @Test func theLedgerItsJournalsAndItsLockAreCreated0600EvenWithUmask000() async throws {
        let scenario = try Scenario(config: "relay:\n  forward: false\n")
        let shell = try #require(Reliability.tool("sh"))
        var environment = scenario.environment
        environment["LOGZIO_RESOLVER_BIN"] = Binary.path
        environment["LOGZIO_RESOLVER_RELAY_TOKEN"] = RelayProcess.relayToken
        environment["BIGPANDA_TOKEN"] = nil
        // The relay creates the ledger and keeps its WAL and shared-memory files open while it runs.
        let port = try unreservedPort()
        let relay = try Spawned(
            executable: shell,
            arguments: ["-c", "umask 000; exec \"$LOGZIO_RESOLVER_BIN\" relay --listen 127.0.0.1:\(port)"],
            environment: environment, directory: scenario.directory)
        var status: Int?
        for _ in 0..<200 where status != 202 {
            let alert = Array(#"{"app_key":"e2e-app-key","status":"critical","host":"m"}"#.utf8)
            status = try await RawHTTP.exchange(port: port, RawHTTP.post(body: alert), readTimeout: 2).status
            if status != 202 { try await Task.sleep(for: .milliseconds(50)) }
        }
        #expect(status == 202, "the relay did not answer: \(relay.stderr)")
        for suffix in ["", "-wal", "-shm"] {
            #expect(
                Self.mode(scenario.ledger + suffix) == 0o600,
                "\(suffix): \(Self.mode(scenario.ledger + suffix).map { String($0, radix: 8) } ?? "missing")")
        }
        kill(relay.pid, SIGTERM)
        #expect(try await relay.wait(seconds: 20)?.status == 0)

        // A sending sweep creates the lock file beside the ledger.
        let script = "umask 000; \"$LOGZIO_RESOLVER_BIN\" sweep --now \(nowSeconds())"
        environment["BIGPANDA_TOKEN"] = Scenario.token
        let result = try await Tool.run(shell, ["-c", script], environment: environment, directory: scenario.directory)
        #expect(result.code == 0, "\(result.stderr)")
        #expect(
            Self.mode(scenario.ledger + ".lock") == 0o600,
            "\(Self.mode(scenario.ledger + ".lock").map { String($0, radix: 8) } ?? "missing")")
        #expect(Self.mode(scenario.ledger) == 0o600)
    }

    static func mode(_ path: String) -> mode_t? {
        var info = stat()
        guard stat(path, &info) == 0 else { return nil }
        return info.st_mode & 0o777
    }
}
