import Alerts
import Ledger
import SQLiteLedger
import TestSupport
import Testing

@testable import Relay

#if canImport(Glibc)
    import Glibc
#endif

@Suite struct AlertsIntakeTests {
    func parse(_ text: String, appKey: String? = nil, forward: Bool = true) throws(IntakeError) -> [IncomingEvent] {
        try AlertsIntake.parse(Array(text.utf8), defaultAppKey: appKey, receivedAt: 1_795_773_600, forward: forward)
    }

    @Test func aSingleAlertIsStampedAndFlattenedForForwarding() throws {
        let events = try parse(#"{"app_key":"k","status":"critical","host":"h","extra":{"a":1}}"#)
        #expect(events.count == 1)
        #expect(events[0].alert.payload["timestamp"] == nil, "the ledger keeps the payload as received")
        let forward = try #require(events[0].forward)
        #expect(
            forward == #"{"app_key":"k","status":"critical","host":"h","extra":"{\"a\":1}","timestamp":1795773600}"#)
    }

    @Test func aBatchFillsItsAppKeyAndKeepsOrder() throws {
        let events = try parse(
            #"{"app_key":"batch","alerts":[{"status":"ok","host":"a"},{"status":"warning","host":"b","app_key":"batch"}]}"#
        )
        #expect(events.map(\.alert.identity.appKey) == ["batch", "batch"])
        #expect(events.map(\.alert.identity.display) == ["host=a", "host=b"])
    }

    @Test func recordOnlyBuildsNoForward() throws {
        #expect(try parse(#"{"app_key":"k","status":"ok","host":"h"}"#, forward: false)[0].forward == nil)
    }

    @Test(arguments: [
        (#"[1]"#, "the body must be a JSON object"),
        (#"{"alerts":[]}"#, "alerts: the batch is empty"),
        (#"{"alerts":{}}"#, "alerts: must be an array"),
        (
            #"{"app_key":"k","alerts":[{"status":"ok","host":"a"},{"status":"ok","host":"b","app_key":"other"}]}"#,
            "alerts[1]: app_key"
        ),
        (#"{"app_key":"k","alerts":[{"status":"ok","host":"a"},{"status":"nope","host":"b"}]}"#, "alerts[1]: status"),
        (#"{"alerts":[{"status":"ok","host":"a"}]}"#, "alerts[0]: app_key"),
        (#"{"app_key":"","alerts":[{"status":"ok","host":"a"}]}"#, "app_key"),
        ("{", "invalid JSON"),
    ])
    func refusesNamingTheAlert(body: String, message: String) {
        do {
            _ = try parse(body)
            Issue.record("accepted \(body)")
        } catch {
            #expect(error.message.hasPrefix(message) || error.message.contains(message), "\(error.message)")
        }
    }

    @Test func theEnvironmentAppKeyFillsWhenTheBatchHasNone() throws {
        let events = try parse(#"{"alerts":[{"status":"ok","host":"a"}]}"#, appKey: "env")
        #expect(events[0].alert.identity.appKey == "env")
    }
}

@Suite struct RelayHelpersTests {
    @Test(arguments: [
        ("application/json", true), ("application/json; charset=utf-8", true), ("Application/JSON", true),
        ("application/vnd.logzio+json", true), ("application/problem+json;charset=utf8", true),
        ("text/plain", false), ("application/x-www-form-urlencoded", false), ("application/jsonp", false), ("", false),
    ])
    func contentTypes(value: String, accepted: Bool) {
        #expect(AlertsHandler.isJSON(value) == accepted)
    }

    @Test(arguments: [
        ("secret-token", "secret-token", true), ("secret-tokeN", "secret-token", false),
        ("secret", "secret-token", false),
        ("secret-token-longer", "secret-token", false), ("", "secret-token", false), ("x", "", false),
    ])
    func constantTimeEquality(presented: String, expected: String, equal: Bool) {
        #expect(ConstantTime.equals(presented.utf8, expected.utf8) == equal)
    }

    @Test(arguments: [
        ("127.0.0.1:8787", "127.0.0.1", 8787), ("[::1]:9000", "::1", 9000), ("0.0.0.0:0", "0.0.0.0", 0),
    ])
    func listenAddresses(text: String, host: String, port: Int) throws {
        let parsed = try #require(RelayOptions.parseListen(text))
        #expect(parsed.host == host && parsed.port == port)
    }

    @Test(arguments: ["8787", ":8787", "host:", "host:99999", "host:x"])
    func badListenAddresses(text: String) {
        #expect(RelayOptions.parseListen(text) == nil)
    }
}

@Suite(.timingSensitive) struct LedgerWorkerTests {
    @Test func concurrentRecordsAreAllCommittedWithTheirOutboxRows() async throws {
        let directory = try TemporaryDirectory(prefix: "worker-test")
        defer { directory.remove() }
        let path = directory.file("ledger.sqlite")
        let worker = LedgerWorker(ledger: try SQLiteLedger(path: path), wallClock: { 1_795_773_600 })
        try await withThrowingTaskGroup(of: Void.self) { group in
            for index in 0..<200 {
                group.addTask {
                    let events = try AlertsIntake.parse(
                        Array(#"{"app_key":"k","status":"critical","host":"h\#(index % 20)"}"#.utf8),
                        defaultAppKey: nil, receivedAt: 1_795_773_600 + Int64(index), forward: true)
                    try await worker.record(events)
                }
            }
            try await group.waitForAll()
        }
        let counts = try await worker.perform { try $0.outboxCounts() }
        #expect(counts.pending == 200)
        let rows = try await worker.perform { try $0.pendingOutbox(limit: 1000) }
        #expect(rows.map(\.id) == rows.map(\.id).sorted())
        worker.stop()
        // After stop, work is refused rather than lost silently.
        await #expect(throws: LedgerError.self) { try await worker.perform { try $0.outboxCounts() } }
        let ledger = try SQLiteLedger(path: path, mode: .readOnly)
        var alerts = 0
        try ledger.forEachAlert(AlertFilter(states: [])) { _ in alerts += 1 }
        #expect(alerts == 20)
    }
}
