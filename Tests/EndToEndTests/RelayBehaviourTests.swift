import Alerts
import AlertsStandIn
import Curl
import Foundation
import Synchronization
import TestSupport
import Testing

/// The relay's promises that need a misbehaving BigPanda or ledger: `/metrics` behind the token,
/// heartbeats, the forwarder's 4xx isolation, 401 pause and per-app-key batches, 503 when a request
/// cannot be recorded, a degraded `/healthz`, and SIGTERM on a kept-alive connection.
@Suite(.timingSensitive) struct RelayBehaviourTests {
    static func alert(_ host: String, appKey: String = Scenario.appKey) -> String {
        #"{"app_key":"\#(appKey)","status":"critical","host":"\#(host)","check":"cpu"}"#
    }

    static func get(_ relay: RelayProcess, _ path: String, token: String? = nil) async throws -> (Int, String) {
        var headers: [HTTPHeader] = []
        if let token { headers.append(HTTPHeader("Authorization", "Bearer \(token)")) }
        let response = try await relay.client.send(
            HTTPRequest(method: "GET", url: relay.baseURL + path, headers: headers, timeout: .seconds(5)))
        return (response.status, String(decoding: response.body, as: UTF8.self))
    }

    /// One value through the sqlite3 CLI, waiting for the relay's writes rather than failing on a lock.
    static func sql(_ scenario: Scenario, _ statement: String) async throws -> String {
        let sqlite = try #require(Reliability.tool("sqlite3"), "the sqlite3 CLI is needed")
        let result = try await Tool.run(sqlite, [scenario.ledger, ".timeout 5000", statement])
        #expect(result.code == 0, "\(statement): \(result.stderr)")
        return result.stdout.trimmingCharacters(in: .whitespacesAndNewlines)
    }

    // MARK: /metrics

    @Test func metricsNeedTheRelayTokenUnlessPublic() async throws {
        let scenario = try Scenario(config: "relay:\n  forward: false\n")
        let relay = try await RelayProcess.startReliably(scenario: scenario, environment: ["BIGPANDA_TOKEN": nil])
        #expect(try await relay.post(Self.alert("m-1")).0 == 202)
        let anonymous = try await Self.get(relay, "/metrics")
        #expect(anonymous.0 == 401, "\(anonymous.1)")
        #expect(!anonymous.1.contains("logzio_resolver_"), "no metric leaks without the token")
        #expect(try await Self.get(relay, "/metrics", token: "wrong-token").0 == 401)
        let (status, text) = try await Self.get(relay, "/metrics", token: RelayProcess.relayToken)
        #expect(status == 200)
        #expect(text.contains("logzio_resolver_relay_accepted_alerts_total 1"), "\(text)")
        #expect(try await Self.get(relay, "/healthz").0 == 200, "/healthz stays open")
        #expect(relay.terminate() == 0)

        let open = try Scenario(config: "relay:\n  forward: false\n  public_metrics: true\n")
        let publicRelay = try await RelayProcess.startReliably(scenario: open, environment: ["BIGPANDA_TOKEN": nil])
        let (publicStatus, publicText) = try await Self.get(publicRelay, "/metrics")
        #expect(publicStatus == 200)
        #expect(publicText.contains("# TYPE logzio_resolver_relay_outbox_depth gauge"), "\(publicText)")
        #expect(publicRelay.terminate() == 0)
    }

    // MARK: Heartbeats

    @Test func heartbeatsAreWrittenAtStartPeriodicallyAndAtACleanStop() async throws {
        // Every 0.3 s (test-only setting): the run's last heartbeat moves on while it runs.
        let scenario = try Scenario(config: "relay:\n  forward: false\n")
        let relay = try await RelayProcess.startReliably(
            scenario: scenario,
            environment: ["BIGPANDA_TOKEN": nil, "LOGZIO_RESOLVER_TEST_HEARTBEAT_SECONDS": "0.3"])
        let started = try await Self.sql(scenario, "SELECT count(*), first_at FROM heartbeats")
        #expect(started.hasPrefix("1|"), "one run, with a heartbeat written at start: \(started)")
        #expect(
            try await eventually(10) {
                try Self.blockingQuery(scenario, "SELECT last_at - first_at >= 2 FROM heartbeats") == "1"
            }, "the last heartbeat did not move on")
        #expect(relay.terminate() == 0)

        // Once an hour: only the start and the stop write one, so a later last heartbeat is the stop's.
        let quiet = try Scenario(config: "relay:\n  forward: false\n")
        let second = try await RelayProcess.startReliably(
            scenario: quiet, environment: ["BIGPANDA_TOKEN": nil, "LOGZIO_RESOLVER_TEST_HEARTBEAT_SECONDS": "3600"])
        let first = try await Self.sql(quiet, "SELECT first_at, last_at FROM heartbeats")
        let parts = first.split(separator: "|").compactMap { Int64($0) }
        #expect(parts.count == 2 && parts[0] == parts[1], "\(first)")
        try await Task.sleep(for: .milliseconds(2100))
        #expect(try await Self.sql(quiet, "SELECT last_at - first_at FROM heartbeats") == "0", "no periodic beat yet")
        #expect(second.terminate() == 0)
        let stopped = try await Self.sql(quiet, "SELECT count(*), last_at - first_at >= 2 FROM heartbeats")
        #expect(stopped == "1|1", "the clean stop wrote a last heartbeat: \(stopped)")
    }

    static func blockingQuery(_ scenario: Scenario, _ statement: String) throws -> String {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/sqlite3")
        process.arguments = [scenario.ledger, ".timeout 5000", statement]
        let pipe = Pipe()
        process.standardOutput = pipe
        process.standardError = FileHandle.nullDevice
        try ProcessLaunch.run(process)
        let data = readToEnd(pipe.fileHandleForReading)
        process.waitUntilExit()
        return String(decoding: data, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
    }

    // MARK: The forwarder

    @Test func aRefusedAlertIsIsolatedRejectedAndCountedWhileTheOthersGoOn() async throws {
        // BigPanda refuses any request carrying the poisoned alert, as it would a malformed one.
        let scenario = try Scenario(script: { _, request in
            String(decoding: request.body, as: UTF8.self).contains("poison")
                ? .json(400, #"{"status":"failure","error":"Invalid alert: poison"}"#) : nil
        })
        let relay = try await RelayProcess.startReliably(scenario: scenario)
        let batch =
            #"{"app_key":"e2e-app-key","alerts":[{"status":"critical","host":"a"},{"status":"critical","host":"b"},"#
            + #"{"status":"critical","host":"poison"},{"status":"critical","host":"d"},{"status":"critical","host":"e"}]}"#
        #expect(try await relay.post(batch).0 == 202)
        #expect(try await eventually(15) { scenario.standIn.received.count == 4 })
        #expect(scenario.standIn.received.compactMap { $0.alert["host"]?.stringValue } == ["a", "b", "d", "e"])
        // The alerts behind it go on.
        #expect(try await relay.post(Self.alert("f")).0 == 202)
        #expect(try await eventually(10) { scenario.standIn.received.count == 5 })
        let health = try await relay.health()
        #expect(health["outbox_rejected"] as? Int == 1, "\(health)")
        #expect(health["outbox_depth"] as? Int == 0, "\(health)")
        let (_, metrics) = try await Self.get(relay, "/metrics", token: RelayProcess.relayToken)
        #expect(metrics.contains("logzio_resolver_relay_rejected_forwards_total 1"), "\(metrics)")
        #expect(metrics.contains("logzio_resolver_relay_outbox_rejected 1"), "\(metrics)")
        #expect(relay.terminate() == 0)
        #expect(relay.stderr.contains("Invalid alert: poison"), "BigPanda's text is logged")
        let rejected = try await Self.sql(scenario, "SELECT state, error FROM outbox")
        #expect(rejected.hasPrefix("rejected|HTTP 400: Invalid alert: poison"), "\(rejected)")
    }

    @Test func aRefusedTokenPausesForwardingAndRetriesAfterThePause() async throws {
        let scenario = try Scenario(script: { number, _ in
            number <= 2 ? .json(401, #"{"status":"failure","error":"Unauthorized"}"#) : nil
        })
        let relay = try await RelayProcess.startReliably(
            scenario: scenario, environment: ["LOGZIO_RESOLVER_TEST_UNAUTHORIZED_PAUSE_SECONDS": "3"])
        #expect(try await relay.post(Self.alert("t-1")).0 == 202)
        #expect(try await eventually(5) { scenario.standIn.requestCount >= 1 })
        // The forwarder records the pause a moment after the stand-in answered; a 3 s pause leaves a loaded
        // machine the time to see it.
        var paused: [String: Any] = [:]
        for _ in 0..<150 {
            paused = try await relay.health()
            if (paused["last_forward_error"] as? String)?.contains("forwarding paused") == true { break }
            try await Task.sleep(for: .milliseconds(20))
        }
        #expect((paused["last_forward_error"] as? String)?.contains("forwarding paused") == true, "\(paused)")
        #expect(paused["status"] as? String == "ok", "a refused token does not fail /healthz")
        #expect(try await eventually(20) { scenario.standIn.received.count == 1 })
        let times = scenario.standIn.requestTimes
        #expect(times.count == 3, "two refusals, then the delivery: \(times)")
        for (earlier, later) in zip(times, times.dropFirst()) {
            #expect(later - earlier >= 2.9, "retried \(later - earlier) s after a 401, not after the pause")
        }
        // The forwarder clears its error once it has BigPanda's 2xx, a moment after the stand-in counted it.
        var cleared = false
        for _ in 0..<100 where !cleared {
            cleared = try await relay.health()["last_forward_error"] is NSNull
            if !cleared { try await Task.sleep(for: .milliseconds(50)) }
        }
        #expect(cleared, "the error stays after a delivery")
        #expect(relay.terminate() == 0)
    }

    @Test func mixedAppKeysAreForwardedInOneBatchPerAppKeyInOrder() async throws {
        // BigPanda is down while the alerts arrive, so they wait in the outbox together.
        let down = Mutex(true)
        let scenario = try Scenario(script: { _, _ in down.withLock { $0 } ? .json(503, "{}") : nil })
        let relay = try await RelayProcess.startReliably(scenario: scenario)
        for host in ["a1", "b1", "a2", "b2", "a3"] {
            let appKey = host.hasPrefix("a") ? Scenario.appKey : "other-app"
            #expect(try await relay.post(Self.alert(host, appKey: appKey)).0 == 202)
        }
        #expect(try await eventually(5) { scenario.standIn.requestCount >= 1 })
        down.withLock { $0 = false }
        #expect(try await eventually(40) { scenario.standIn.received.count == 5 })
        let received = scenario.standIn.received
        let requests = Dictionary(grouping: received, by: \.request)
        #expect(requests.values.allSatisfy { Set($0.map(\.appKey)).count == 1 }, "one app key per request")
        #expect(requests.count == 2, "one batch per app key: \(received.map { ($0.request, $0.appKey) })")
        let hosts = { (key: String) in
            received.filter { $0.appKey == key }.compactMap { $0.alert["host"]?.stringValue }
        }
        #expect(hosts(Scenario.appKey) == ["a1", "a2", "a3"])
        #expect(hosts("other-app") == ["b1", "b2"])
        #expect(relay.terminate() == 0)
    }

    // MARK: A ledger that fails

    @Test func aRequestThatCannotBeRecordedGets503AndHealthzSaysDegraded() async throws {
        let scenario = try Scenario(config: "relay:\n  forward: false\n")
        let relay = try await RelayProcess.startReliably(scenario: scenario, environment: ["BIGPANDA_TOKEN": nil])
        #expect(try await relay.post(Self.alert("before")).0 == 202)
        // Every insert of an event fails, as on a full disk.
        _ = try await Self.sql(
            scenario, "CREATE TRIGGER test_fail BEFORE INSERT ON events BEGIN SELECT RAISE(ABORT, 'injected'); END")
        let (status, body) = try await relay.post(Self.alert("during"))
        #expect(status == 503, "\(body)")
        #expect(body.contains("could not be recorded"), "\(body)")
        _ = try await Self.sql(scenario, "DROP TRIGGER test_fail")
        #expect(try await relay.post(Self.alert("after")).0 == 202)
        #expect(try await scenario.hosts("all").sorted() == ["after", "before"])

        // The ledger cannot be read: /healthz answers 503 "degraded", and recovers with the ledger.
        _ = try await Self.sql(scenario, "ALTER TABLE outbox RENAME TO outbox_away")
        let degraded = try await Self.get(relay, "/healthz")
        #expect(degraded.0 == 503, "\(degraded.1)")
        #expect((try jsonObject(degraded.1))["status"] as? String == "degraded", "\(degraded.1)")
        _ = try await Self.sql(scenario, "ALTER TABLE outbox_away RENAME TO outbox")
        #expect(try await Self.get(relay, "/healthz").0 == 200)
        #expect(relay.terminate() == 0)
    }

    // MARK: SIGTERM

    @Test func onSIGTERMAKeptAliveConnectionGets503WithConnectionCloseThenALastHeartbeat() async throws {
        let scenario = try Scenario(config: "relay:\n  forward: false\n")
        let relay = try await RelayProcess.startReliably(
            scenario: scenario, environment: ["BIGPANDA_TOKEN": nil, "LOGZIO_RESOLVER_TEST_HEARTBEAT_SECONDS": "3600"])
        let body = Array(Self.alert("in-flight").utf8)
        let head =
            "POST /data/v2/alerts HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer \(RelayProcess.relayToken)\r\n"
            + "Content-Type: application/json\r\nContent-Length: \(body.count)\r\n\r\n"
        let next = RawHTTP.post(body: Array(Self.alert("too-late").utf8))
        let port = relay.port
        let pid = relay.process.processIdentifier
        // The first request's headers and half its body arrive; SIGTERM; then the rest, and a second
        // request on the same kept-alive connection.
        let exchange = try await KeptAlive.run(port: port) { connection in
            connection.write(Array(head.utf8) + body[0..<(body.count / 2)])
            usleep(1_100_000)
            kill(pid, SIGTERM)
            // Time for the relay's signal task to run on a loaded machine before the rest arrives.
            usleep(1_500_000)
            connection.write(Array(body[(body.count / 2)...]) + Self.keptAlive(next))
            return connection.readUntilClosed(timeout: 10)
        }
        let responses = exchange.components(separatedBy: "HTTP/1.1 ").dropFirst().map { "HTTP/1.1 " + $0 }
        #expect(responses.first?.hasPrefix("HTTP/1.1 202") == true, "the request in flight is finished: \(exchange)")
        #expect(responses.count == 2, "\(exchange)")
        if responses.count == 2 {
            #expect(responses[1].hasPrefix("HTTP/1.1 503"), "\(responses[1])")
            #expect(responses[1].lowercased().contains("connection: close"), "\(responses[1])")
        }
        relay.process.waitUntilExit()
        #expect(relay.process.terminationStatus == 0)
        #expect(try await scenario.hosts("all") == ["in-flight"])
        let beats = try await Self.sql(scenario, "SELECT count(*), last_at - first_at >= 1 FROM heartbeats")
        #expect(beats == "1|1", "a last heartbeat after SIGTERM: \(beats)")
    }

    /// The raw POST with `Connection: close` turned into a kept-alive request.
    static func keptAlive(_ request: [UInt8]) -> [UInt8] {
        Array(String(decoding: request, as: UTF8.self).replacing("Connection: close\r\n", with: "").utf8)
    }
}
