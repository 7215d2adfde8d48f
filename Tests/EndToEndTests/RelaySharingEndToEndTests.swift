import Alerts
import AlertsStandIn
import Curl
import Foundation
import Postgres
import TestSupport
import Testing

/// Several relays on one PostgreSQL ledger, through the binary: a relay killed under load loses nothing
/// it answered 202 and no event is in flight at two forwarders at once; the database restarted under a
/// relay gives 503 while it is down, then recovery; heartbeats of two relays and a gap.
@Suite(.timingSensitive) struct RelaySharingEndToEndTests {
    static func alert(_ host: String) -> String {
        #"{"app_key":"\#(Scenario.appKey)","status":"critical","host":"\#(host)","check":"cpu"}"#
    }

    /// Waits until the stand-in has received every host of `answered`, at most `seconds`; returns the missing ones.
    static func missing(_ answered: [String], at standIn: AlertsStandIn, seconds: Double) async throws -> [String] {
        let deadline = Date().addingTimeInterval(seconds)
        while true {
            let received = Set(standIn.received.compactMap { $0.alert["host"]?.stringValue })
            let missing = answered.filter { !received.contains($0) }
            if missing.isEmpty || Date() >= deadline { return missing }
            try await Task.sleep(for: .milliseconds(100))
        }
    }

    @Test func twoRelaysShareTheOutboxAndOneKilledMidLoadLosesNothing() async throws {
        guard let database = try PostgresTestServer.freshDatabase() else { return }
        let flights = Flights()
        // BigPanda is a little slow, so both forwarders have requests in flight at once.
        let scenario = try Scenario(script: { _, request in
            let flight = flights.begin(request)
            usleep(15_000)
            flights.end(flight)
            return nil
        })
        try scenario.writeConfig("bigpanda:\n  requests_per_second: 0\n  batch_size: 10\n  timeout: 2s\n")
        let ledger: [String: String?] = ["LOGZIO_RESOLVER_LEDGER": database]
        let first = try await RelayProcess.startReliably(scenario: scenario, environment: ledger)
        let second = try await RelayProcess.startReliably(scenario: scenario, environment: ledger)
        let answered = Collected<String>()
        let killed = Collected<Double>()
        let forwardedBeforeKill = Recorder<[Int?]>([])
        try await withThrowingTaskGroup(of: Void.self) { group in
            for poster in 0..<4 {
                group.addTask {
                    for index in 0..<80 {
                        let host = "share-\(poster)-\(index)"
                        // Alternately; once the first relay is dead, everything goes to the second.
                        let alive = killed.values.isEmpty
                        let relay = index % 2 == 0 && alive ? first : second
                        if let (status, _) = try? await relay.post(Self.alert(host)), status == 202 {
                            answered.append(host)
                        } else if relay !== second, let (status, _) = try? await second.post(Self.alert(host)),
                            status == 202
                        {
                            answered.append(host)
                        }
                    }
                }
            }
            group.addTask {
                for _ in 0..<500 where answered.values.count < 100 { try await Task.sleep(for: .milliseconds(20)) }
                // Both forwarders must share the work while both relays live: each relay's own counter (its
                // /metrics, per process) has moved before the kill. One forwarder doing it all fails here.
                for _ in 0..<200 {
                    let counts = [await first.forwardedAlerts(), await second.forwardedAlerts()]
                    forwardedBeforeKill.update { $0 = counts }
                    if counts.allSatisfy({ ($0 ?? 0) > 0 }) { break }
                    try await Task.sleep(for: .milliseconds(50))
                }
                killed.append(monotonicSeconds())
                first.killHard()
            }
            try await group.waitForAll()
        }
        let accepted = answered.values
        #expect(accepted.count > 250, "most posts are accepted: \(accepted.count)")
        let missing = try await Self.missing(accepted, at: scenario.standIn, seconds: 60)
        #expect(missing.isEmpty, "answered 202 but never reached BigPanda: \(missing.prefix(10))")
        // At least once: a row the killed relay had sent but not yet removed is sent again after the kill,
        // by the other relay. What must never happen is one event in two requests in flight at once while
        // both relays were alive, which would mean two forwarders held the same row.
        let killedAt = try #require(killed.values.first)
        let overlapping = flights.overlapping(startedBefore: killedAt)
        #expect(overlapping.isEmpty, "events in flight at two forwarders at once: \(overlapping.prefix(10))")
        #expect(flights.count > 10, "the stand-in saw the forwarders' requests")
        let shares = forwardedBeforeKill.value
        #expect(
            shares.count == 2 && shares.allSatisfy { ($0 ?? 0) > 0 },
            "alerts each relay forwarded before the kill (first, second): \(shares)")
        #expect(second.terminate() == 0)
    }

    @Test func theDatabaseRestartedUnderTheRelayGives503ThenRecovers() async throws {
        let server = try await PrivatePostgres.start()
        defer { server.stop() }
        let scenario = try Scenario()
        let ledger: [String: String?] = [
            "LOGZIO_RESOLVER_LEDGER": server.conninfo, "LOGZIO_RESOLVER_TEST_HEARTBEAT_SECONDS": "0.3",
        ]
        // The relay starts while the database is down, and becomes healthy once it is back.
        try await server.pause()
        let directory = scenario.directory
        let starting = Task { try await RelayProcess.startReliably(scenario: scenario, environment: ledger) }
        // Resumed once the relay has found the database down, not after a fixed pause: on a loaded machine
        // the relay can take longer than any pause to get there, and would then start on a healthy database.
        let foundDown = try await eventually(30) {
            let files = (try? FileManager.default.contentsOfDirectory(atPath: directory)) ?? []
            return files.contains { name in
                name.hasPrefix("relay-") && name.hasSuffix(".err")
                    && ((try? String(contentsOfFile: directory + "/" + name, encoding: .utf8)) ?? "")
                        .contains("the ledger's database is unreachable")
            }
        }
        #expect(foundDown, "the relay never reported the database down at start")
        try await server.resume()
        let relay = try await starting.value
        var answered: [String] = []
        for index in 0..<10 {
            let (status, body) = try await relay.post(Self.alert("before-\(index)"))
            #expect(status == 202, "\(body)")
            if status == 202 { answered.append("before-\(index)") }
        }
        // The run's first heartbeat, written once the worker connected.
        let admin = try PostgresConnection(try PostgresConnectionString(server.conninfo))
        #expect(
            try await eventually(10) {
                try admin.query("SELECT count(*) FROM heartbeats").int64(0, 0) == 1
            }, "no heartbeat after the relay connected")

        try await server.pause()
        var refused: HTTPResponse?
        for index in 0..<100 where refused == nil {
            let response = try await relay.client.send(
                HTTPRequest(
                    method: "POST", url: relay.baseURL + "/data/v2/alerts",
                    headers: [
                        HTTPHeader("Content-Type", "application/json"),
                        HTTPHeader("Authorization", "Bearer \(RelayProcess.relayToken)"),
                    ],
                    body: Array(Self.alert("during-\(index)").utf8), timeout: .seconds(10)))
            if response.status == 202 { answered.append("during-\(index)") } else { refused = response }
        }
        let outage = try #require(refused, "no post was refused while the database was down")
        #expect(outage.status == 503)
        #expect(String(decoding: outage.body, as: UTF8.self).contains("unreachable"))
        #expect(outage.header("Retry-After") == "5", "README: 503 with Retry-After: 5 while the database is away")
        let health = try await relay.client.send(
            HTTPRequest(method: "GET", url: relay.baseURL + "/healthz", timeout: .seconds(5)))
        #expect(health.status == 503)
        #expect(String(decoding: health.body, as: UTF8.self).contains(#""status":"degraded""#))

        try await server.resume()
        var recovered = false
        for index in 0..<300 where !recovered {
            if let (status, _) = try? await relay.post(Self.alert("after-\(index)")), status == 202 {
                answered.append("after-\(index)")
                recovered = true
            } else {
                try await Task.sleep(for: .milliseconds(100))
            }
        }
        #expect(recovered, "the relay did not recover: \(relay.stderr)")
        let missing = try await Self.missing(answered, at: scenario.standIn, seconds: 30)
        #expect(missing.isEmpty, "answered 202 but never reached BigPanda: \(missing)")
        #expect(relay.terminate() == 0)
        // Heartbeats after the reconnection start a new run: the outage is a gap, not observed time.
        let after = try PostgresConnection(try PostgresConnectionString(server.conninfo))
        let runs = try after.query("SELECT run_id FROM heartbeats ORDER BY first_at")
        let names = (0..<runs.count).map { runs.text($0, 0) }
        #expect(names.count == 2 && names.last == (names.first ?? "") + ".2", "\(names)")
        let log = relay.stderr
        #expect(log.components(separatedBy: "lost the ledger's database").count - 1 == 1, "\(log)")
        #expect(log.components(separatedBy: "regained the ledger's database").count - 1 == 2, "\(log)")
    }

    /// README "When the database is away": a relay starts while PostgreSQL cannot be reached, but a refused
    /// login or a missing database at start is configuration: exit 78, naming the database, at once.
    @Test(arguments: ["missing database", "refused login"])
    func aRefusedLoginOrAMissingDatabaseStopsTheRelayWithExit78(fault: String) async throws {
        guard let database = try PostgresTestServer.freshDatabase() else { return }
        let scenario = try Scenario()
        let ledger =
            fault == "missing database"
            ? database.replacingOccurrences(of: "dbname=t_", with: "dbname=missing_")
            : database.replacingOccurrences(
                of: #"user=[^ ]+"#, with: "user=no_such_role_lr", options: .regularExpression)
        #expect(ledger != database)
        var environment = scenario.environment
        environment["LOGZIO_RESOLVER_LEDGER"] = ledger
        environment["LOGZIO_RESOLVER_RELAY_TOKEN"] = RelayProcess.relayToken
        let relay = try Spawned(
            arguments: ["relay", "--listen", "127.0.0.1:\(try unreservedPort())"], environment: environment,
            directory: scenario.directory)
        defer { relay.killHard() }
        let ended = try #require(try await relay.wait(seconds: 60), "the relay did not exit: \(relay.stderr)")
        #expect(!ended.signalled && ended.status == 78, "\(fault): \(ended): \(relay.stderr)")
        #expect(relay.stderr.contains("does not exist"), "\(fault): \(relay.stderr)")
        #expect(scenario.standIn.requestCount == 0)
    }

    @Test func observedSilenceSpansTwoRelaysAndLeavesOutTheGap() async throws {
        guard let database = try PostgresTestServer.freshDatabase() else { return }
        let scenario = try Scenario(config: "relay:\n  forward: false\nstale_after: 30m\n")
        let ledger: [String: String?] = [
            "LOGZIO_RESOLVER_LEDGER": database, "BIGPANDA_TOKEN": nil, "LOGZIO_RESOLVER_TEST_HEARTBEAT_SECONDS": "0.3",
        ]
        let now = nowSeconds()
        // An alert last seen two hours ago; the feed was watched for its first 20 minutes, then by nobody
        // until the two relays below.
        let recorded = try await scenario.run(
            ["record", "--at", String(now - 7200)], stdin: Self.alert("quiet"), environment: ledger)
        #expect(recorded.code == 0, "\(recorded.stderr)")
        let admin = try PostgresConnection(try PostgresConnectionString(database))
        try admin.query(
            "INSERT INTO heartbeats (run_id, first_at, last_at) VALUES ('earlier:1:aa', $1, $2)",
            [.integer(now - 7200), .integer(now - 6000)])
        let first = try await RelayProcess.startReliably(scenario: scenario, environment: ledger)
        let second = try await RelayProcess.startReliably(scenario: scenario, environment: ledger)
        try await Task.sleep(for: .milliseconds(1200))
        #expect(first.terminate() == 0)
        #expect(second.terminate() == 0)

        let runs = try admin.query("SELECT run_id FROM heartbeats WHERE run_id <> 'earlier:1:aa' ORDER BY run_id")
        let names = (0..<runs.count).map { runs.text($0, 0) }
        #expect(names.count == 2, "one run per relay: \(names)")
        for relay in [first, second] {
            #expect(
                names.contains { $0.split(separator: ":").dropFirst().first == "\(relay.process.processIdentifier)" },
                "a run names relay \(relay.process.processIdentifier): \(names)")
        }
        // Observed: 20 minutes, plus a heartbeat period, plus the relays' few seconds: under 30 minutes,
        // though two hours passed. Counting the gap would make it stale.
        let swept = try await scenario.run(["sweep", "--dry-run", "--json"], environment: ledger)
        #expect(swept.code == 0, "\(swept.stderr)")
        #expect(try jsonObject(swept.stdout)["stale"] as? Int == 0, "\(swept.stdout)")
        try scenario.writeConfig("relay:\n  forward: false\nstale_after: 15m\n")
        let shorter = try await scenario.run(["sweep", "--dry-run", "--json"], environment: ledger)
        #expect(shorter.code == 0, "\(shorter.stderr)")
        #expect(try jsonObject(shorter.stdout)["stale"] as? Int == 1, "\(shorter.stdout)")
    }
}
