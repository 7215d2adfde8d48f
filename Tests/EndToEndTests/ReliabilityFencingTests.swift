import Alerts
import AlertsStandIn
import Foundation
import Ledger
import SQLiteLedger
import TestSupport
import Testing

/// Fencing, deterministically: the BigPanda stand-in records a new event for an alert in the ledger (in this
/// process, through `SQLiteLedger`) while the sweep's `ok` for it is in flight, and only then answers.
@Suite(.timingSensitive) struct ReliabilityFencingTests {
    /// Records a new critical event for `host` in the ledger at `path`, received now.
    static func refire(host: String, ledger path: String, errors: Collected<String>) {
        do {
            let ledger = try SQLiteLedger(path: path)
            let payload = try JSONParser.parse(
                #"{"app_key":"\#(Scenario.appKey)","status":"critical","host":"\#(host)","check":"cpu","refired":true}"#
            )
            let alert = try Alert.validate(payload, defaultAppKey: nil)
            let now = nowSeconds()
            try ledger.record([IncomingEvent(alert: alert, receivedAt: now)], recordedAt: now)
        } catch {
            errors.append("could not record the new event: \(error)")
        }
    }

    /// The hosts in a request body's `alerts`.
    static func hosts(in request: ReceivedRequest) -> [String] {
        guard case .array(let alerts)? = (try? JSONParser.parse(request.body))?.objectValue?["alerts"] else {
            return []
        }
        return alerts.compactMap { $0.objectValue?["host"]?.stringValue }
    }

    @Test func anEventRecordedWhileTheOkIsInFlightLeavesTheAlertOpen() async throws {
        let ledgerPath = Recorder<String?>(nil)
        let errors = Collected<String>()
        let scenario = try Scenario(script: { _, request in
            // The ok for web-2 is on the wire: the alert fires again before BigPanda answers 201.
            if Self.hosts(in: request).contains("web-2"), let path = ledgerPath.withLock({ $0 }) {
                Self.refire(host: "web-2", ledger: path, errors: errors)
            }
            return nil
        })
        ledgerPath.withLock { $0 = scenario.ledger }
        let old = nowSeconds() - 7200
        for host in ["web-1", "web-2", "web-3"] { try await scenario.record(host: host, at: old) }

        let result = try await scenario.run(["sweep", "--json"])
        #expect(result.code == 0, "\(result.stderr)")
        #expect(errors.values.isEmpty, "\(errors.values)")
        let report = try jsonObject(result.stdout)
        #expect(report["resolved"] as? Int == 2)
        let actions = try #require(report["actions"] as? [[String: Any]])
        let web2 = try #require(actions.first { ($0["identity"] as? String)?.contains("host=web-2") == true })
        #expect(web2["action"] as? String == "kept")
        #expect(
            (web2["reason"] as? String)?.contains("new event arrived while the ok was in flight") == true, "\(web2)")
        #expect(
            Set(scenario.standIn.received.compactMap { $0.alert["host"]?.stringValue }) == ["web-1", "web-2", "web-3"])

        // BigPanda took the ok, but the ledger keeps web-2 open: it fired again after the decision.
        #expect(try await scenario.hosts("open") == ["web-2"])
        #expect(Set(try await scenario.hosts("resolved")) == ["web-1", "web-3"])
        let open = try #require(try await scenario.list("open").first)
        #expect((open["alert"] as? [String: Any])?["refired"] as? Bool == true)

        // It is fresh now, so the next sweep leaves it alone.
        let again = try await scenario.run(["sweep"])
        #expect(again.code == 0)
        #expect(scenario.standIn.received.count == 3)
    }

    @Test func anEventRecordedBeforeItsBatchIsBuiltDropsItFromTheBatch() async throws {
        // One alert per batch; the first batch goes alone, so web-3's batch is built after web-1's answer.
        let ledgerPath = Recorder<String?>(nil)
        let errors = Collected<String>()
        let scenario = try Scenario(script: { _, request in
            if Self.hosts(in: request) == ["web-1"], let path = ledgerPath.withLock({ $0 }) {
                Self.refire(host: "web-3", ledger: path, errors: errors)
            }
            return nil
        })
        ledgerPath.withLock { $0 = scenario.ledger }
        try scenario.writeConfig("bigpanda:\n  requests_per_second: 0\n  batch_size: 1\n")
        let old = nowSeconds() - 7200
        for host in ["web-1", "web-2", "web-3"] { try await scenario.record(host: host, at: old) }

        let result = try await scenario.run(["sweep", "--json"])
        #expect(result.code == 0, "\(result.stderr)")
        #expect(errors.values.isEmpty, "\(errors.values)")
        let sent = scenario.standIn.received.compactMap { $0.alert["host"]?.stringValue }
        #expect(sent.first == "web-1")
        #expect(!sent.contains("web-3"), "the re-fired alert's ok was never sent")
        #expect(try await scenario.hosts("open") == ["web-3"])
        let report = try jsonObject(result.stdout)
        #expect(report["resolved"] as? Int == 2)
    }
}
