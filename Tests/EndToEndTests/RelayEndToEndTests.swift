import Alerts
import AlertsStandIn
import Foundation
import Ledger
import SQLiteLedger
import TestSupport
import Testing

@Suite(.timingSensitive) struct RelayEndToEndTests {
    let single = #"{"app_key":"e2e-app-key","status":"critical","host":"web-1","check":"cpu","samples":{"a":[1,2]}}"#

    @Test func recordsAndForwardsSingleAndBatchAlerts() async throws {
        let scenario = try Scenario()
        let relay = try await RelayProcess.start(scenario: scenario)
        var (status, body) = try await relay.post(single)
        #expect(status == 202, "\(body)")
        let batch =
            #"{"app_key":"e2e-app-key","alerts":[{"status":"warning","host":"web-2","timestamp":1795773600},{"status":"critical","service":"db"}]}"#
        (status, body) = try await relay.post(batch, contentType: "application/json; charset=utf-8")
        #expect(status == 202, "\(body)")
        #expect(try await eventually(10) { scenario.standIn.received.count == 3 })
        let received = scenario.standIn.received
        #expect(
            received.map { $0.alert["host"]?.stringValue ?? $0.alert["service"]?.stringValue } == [
                "web-1", "web-2", "db",
            ])
        // Identical but for the added timestamp (and nested values sent as JSON text).
        let first = received[0].alert
        #expect(first["status"]?.stringValue == "critical")
        #expect(first["samples"]?.stringValue == #"{"a":[1,2]}"#)
        #expect(first["timestamp"]?.integerValue.map { abs($0 - nowSeconds()) < 60 } == true)
        #expect(received[1].alert["timestamp"]?.integerValue == 1_795_773_600, "a timestamp it had is kept")
        let alerts = try await scenario.list()
        #expect(alerts.count == 3)
        let stored = try #require(
            alerts.first { ($0["alert"] as? [String: Any])?["host"] as? String == "web-1" }?["alert"] as? [String: Any])
        #expect(stored["timestamp"] == nil, "the ledger keeps the payload as received")
        #expect(try await relay.health()["outbox_depth"] as? Int == 0)
        #expect(relay.terminate() == 0)
    }

    @Test func refusesBadRequestsAndRecordsNone() async throws {
        let scenario = try Scenario(config: "relay:\n  max_body: 2KiB\n")
        let relay = try await RelayProcess.start(scenario: scenario)
        #expect(try await relay.post(single, token: nil).0 == 401)
        #expect(try await relay.post(single, token: "nope").0 == 401)
        #expect(try await relay.post(single, contentType: "text/plain").0 == 415)
        #expect(try await relay.post(single, contentType: "application/vnd.logzio+json").0 == 202)
        let big =
            #"{"app_key":"e2e-app-key","status":"critical","host":"h","pad":"\#(String(repeating: "x", count: 4000))"}"#
        #expect(try await relay.post(big).0 == 413)
        let (status, body) = try await relay.post(
            #"{"app_key":"e2e-app-key","alerts":[{"status":"critical","host":"a"},{"status":"critical","host":"b"},{"status":"firing","host":"c"}]}"#
        )
        #expect(status == 400)
        #expect(body.contains("alerts[2]: status"))
        #expect(
            try await relay.post(#"{"app_key":"e2e-app-key","alerts":[{"app_key":"other","status":"ok","host":"a"}]}"#)
                .0 == 400)
        #expect(try await relay.post("{not json").0 == 400)
        #expect(try await eventually(10) { scenario.standIn.received.count == 1 })
        #expect(try await scenario.list().count == 1, "only the one good request was recorded")
        #expect(relay.terminate() == 0)
        #expect(!relay.stderr.contains(RelayProcess.relayToken))
    }

    @Test func anOutageLosesNothingAndDeliversInOrderOnce() async throws {
        // BigPanda answers 503 to the first 6 requests, then recovers.
        let scenario = try Scenario(script: { number, _ in number <= 6 ? .json(503, #"{"error":"down"}"#) : nil })
        let relay = try await RelayProcess.start(scenario: scenario)
        for index in 0..<5 {
            let alert = #"{"app_key":"e2e-app-key","status":"critical","host":"web-1","check":"cpu","seq":\#(index)}"#
            #expect(try await relay.post(alert).0 == 202)
        }
        let health = try await relay.health()
        #expect(health["status"] as? String == "ok")
        #expect(try await eventually(30) { scenario.standIn.received.count == 5 })
        #expect(scenario.standIn.received.map { $0.alert["seq"]?.integerValue } == [0, 1, 2, 3, 4])
        // Once the outbox is empty nothing is left to send, and once the relay has exited nothing more can
        // arrive: the count is final, each alert delivered once.
        #expect(try await relay.waitForEmptyOutbox(seconds: 30), "the outbox did not drain: \(relay.stderr)")
        #expect(relay.terminate() == 0)
        #expect(scenario.standIn.received.count == 5, "delivered once")
    }

    @Test func aKilledRelayLosesNothingItAccepted() async throws {
        let scenario = try Scenario(script: { _, _ in .json(503, "{}") })
        let first = try await RelayProcess.start(scenario: scenario)
        var accepted = 0
        for index in 0..<20 {
            if try await first.post(#"{"app_key":"e2e-app-key","status":"critical","host":"h\#(index)"}"#).0 == 202 {
                accepted += 1
            }
        }
        first.killHard()
        #expect(accepted == 20)
        // BigPanda is back; a new relay on the same ledger drains the outbox.
        let healthy = try Scenario()
        let second = try await RelayProcess.start(
            scenario: scenario, environment: ["BIGPANDA_ALERTS_URL": healthy.alertsURL])
        #expect(try await eventually(20) { healthy.standIn.received.count == 20 })
        #expect(Set(healthy.standIn.received.compactMap { $0.alert["host"]?.stringValue }).count == 20)
        #expect(try await scenario.list().count == 20)
        #expect(second.terminate() == 0)
    }

    @Test func forwardFalseNeedsNoBigPandaTokenAndSendsNothing() async throws {
        let scenario = try Scenario(config: "relay:\n  forward: false\n")
        let relay = try await RelayProcess.start(scenario: scenario, environment: ["BIGPANDA_TOKEN": nil])
        #expect(try await relay.post(single).0 == 202)
        // A forwarding relay commits the outbox row with the alert, before its 202; this one wrote none.
        #expect(try await Tool.query(scenario.ledger, "SELECT count(*) FROM outbox") == "0")
        #expect(try await relay.health()["outbox_depth"] as? Int == 0)
        #expect(try await scenario.list().count == 1)
        // After the relay has exited nothing more can reach BigPanda: the count is final.
        #expect(relay.terminate() == 0)
        #expect(scenario.standIn.requestCount == 0)
    }

    @Test func refusesToStartWithoutTokens() async throws {
        let scenario = try Scenario()
        var result = try await scenario.run(["relay", "--listen", "127.0.0.1:1"])
        #expect(result.code == 78)
        #expect(result.stderr.contains("relay token"))
        result = try await scenario.run(
            ["relay", "--listen", "127.0.0.1:1"],
            environment: [
                "LOGZIO_RESOLVER_RELAY_TOKEN": "x-token", "BIGPANDA_TOKEN": nil,
            ])
        #expect(result.code == 78)
        #expect(result.stderr.contains("BigPanda token"))
    }

    @Test func observedSilenceDoesNotCountARelayOutage() async throws {
        // Forwarded at 10:00; the relay was alive 09:00-10:10 and down until 11:10.
        let scenario = try Scenario()
        let ten = nowSeconds() - 6 * 3600
        try await scenario.record(host: "web-1", at: ten)
        let ledger = try SQLiteLedger(path: scenario.ledger)
        for beat in stride(from: ten - 3600, through: ten + 570, by: 30) {
            try ledger.heartbeat(runID: "run-1", at: beat)
        }
        let elevenTen = ten + 70 * 60
        let first = try await scenario.run(["sweep", "--dry-run", "--json", "--now", String(elevenTen)])
        #expect(first.code == 0, "\(first.stderr)")
        let report = try jsonObject(first.stdout)
        #expect(report["stale"] as? Int == 0)
        let reason = try #require((report["actions"] as? [[String: Any]])?.first?["reason"] as? String)
        #expect(reason.contains("silent for 10m of observed feed time"), "\(reason)")
        // The relay comes back at 11:10 and runs; 60 more observed minutes make it stale.
        for beat in stride(from: elevenTen, through: elevenTen + 3600, by: 30) {
            try ledger.heartbeat(runID: "run-2", at: beat)
        }
        let second = try await scenario.run(["sweep", "--dry-run", "--json", "--now", String(elevenTen + 3600)])
        #expect(second.code == 0, "\(second.stderr)")
        let later = try jsonObject(second.stdout)
        #expect(later["stale"] as? Int == 1)
    }

    @Test func sweepsAndImportsRunBesideTheRelayUnderLoad() async throws {
        let scenario = try Scenario()
        let relay = try await RelayProcess.start(scenario: scenario)
        for index in 0..<30 { try await scenario.record(host: "old-\(index)", at: nowSeconds() - 7200 - Int64(index)) }
        // The relay has heartbeats only from now on; say the feed was watched for the past 3 hours too,
        // or observed silence would (rightly) keep the old alerts open.
        let ledger = try SQLiteLedger(path: scenario.ledger)
        for beat in stride(from: nowSeconds() - 3 * 3600, through: nowSeconds(), by: 30) {
            try ledger.heartbeat(runID: "earlier-run", at: beat)
        }
        try scenario.writeConfig(
            "bigpanda:\n  requests_per_second: 0\nmax_resolves_per_run: 100000\nmax_resolve_fraction: 1\n")
        let posts = Task {
            var statuses: [Int] = []
            for index in 0..<300 {
                let alert = #"{"app_key":"e2e-app-key","status":"critical","host":"load-\#(index % 50)"}"#
                statuses.append((try? await relay.post(alert).0) ?? -1)
            }
            return statuses
        }
        var sweepCodes: [Int32] = []
        for _ in 0..<3 {
            sweepCodes.append(try await scenario.run(["sweep"]).code)
            let line = #"{"app_key":"e2e-app-key","status":"warning","host":"imported"}"#
            #expect(try await scenario.run(["import", "-"], stdin: line + "\n").code == 0)
        }
        let statuses = await posts.value
        #expect(statuses.allSatisfy { $0 == 202 }, "\(Set(statuses))")
        #expect(sweepCodes.allSatisfy { $0 == 0 }, "\(sweepCodes)")
        let resolved = try await scenario.list("resolved").compactMap {
            ($0["alert"] as? [String: Any])?["host"] as? String
        }
        #expect(resolved.filter { $0.hasPrefix("old-") }.count == 30, "\(resolved)")
        #expect(relay.terminate() == 0)
        #expect(!relay.stderr.contains("locked"))
    }
}
