import Alerts
import Testing

@testable import Ledger

@Suite struct ReconcileStoreTests {
    let parts: [AlertIdentity.IdentityPart] = [.init(name: "host", value: "web-9"), .init(name: "check", value: "cpu")]

    func adoption(at: Int64, id: String = "bp-1") throws -> Adoption {
        let payload = try #require(
            try JSONParser.parse(
                #"{"host":"web-9","check":"cpu","status":"critical","primary_property":"host","secondary_property":"check","bigpanda_alert_id":"\#(id)"}"#
            ).objectValue)
        return Adoption(parts: parts, payload: payload, status: .critical, receivedAt: at, bigPandaAlertID: id)
    }

    @Test func aLedgerAtTheThirdMigrationUpgradesInPlace() throws {
        let file = TemporaryLedger()
        // A ledger as the previous release left it: three migrations, one alert resolved by our ok and
        // one resolved by a recorded ok event.
        do {
            let database = try SQLiteDatabase(path: file.path, readOnly: false, create: true)
            try database.execute(
                "CREATE TABLE schema_migrations (name TEXT PRIMARY KEY, applied_at INTEGER NOT NULL)")
            for migration in Migrations.all.prefix(3) {
                try database.execute(migration.sql)
                try database.execute("INSERT INTO schema_migrations VALUES ('\(migration.name)', 1)")
            }
            try database.execute(
                """
                INSERT INTO alerts (id, identity, app_key, display, state, current_event_id, last_received, max_timestamp, resolved_at)
                VALUES (1, '["k","host","a"]', 'k', 'host=a', 'resolved', 1, 100, 100, 500),
                       (2, '["k","host","b"]', 'k', 'host=b', 'resolved', 2, 100, 100, 100);
                INSERT INTO events (id, alert_id, received_at, recorded_at, status, payload)
                VALUES (1, 1, 100, 100, 'critical', '{"app_key":"k","host":"a","status":"critical"}'),
                       (2, 2, 100, 100, 'ok', '{"app_key":"k","host":"b","status":"ok"}');
                INSERT INTO resolutions (alert_id, event_id, sent_at, timestamp, rule, reason, attempts, outcome)
                VALUES (1, 1, 500, 500, 'default', 'stale', 1, 'resolved');
                """)
        }
        let ledger = try SQLiteLedger(path: file.path)
        let alerts = try allAlerts(ledger)
        #expect(alerts.map(\.resolvedBy) == [.ok, .event])
        #expect(alerts.allSatisfy { !$0.adopted && $0.bigPandaAlertID == nil })
        // Read-only opening now accepts it.
        #expect(try allAlerts(try SQLiteLedger(path: file.path, mode: .readOnly)).count == 2)
    }

    @Test func adoptionRecordsAnOpenAlertWithoutAnAppKeyThatTheRelayLaterClaims() throws {
        let file = TemporaryLedger()
        let ledger = try SQLiteLedger(path: file.path)
        let ids = try ledger.adopt([try adoption(at: 1_000)], recordedAt: 2_000)
        var alerts = try allAlerts(ledger)
        #expect(alerts.map(\.id) == ids)
        #expect(alerts.first?.adopted == true)
        #expect(alerts.first?.appKey == Adoption.unknownAppKey)
        #expect(alerts.first?.bigPandaAlertID == "bp-1")
        #expect(alerts.first?.lastReceived == 1_000)
        #expect(alerts.first?.display == "host=web-9 check=cpu")

        // Adopting it again while open adds history, not a second alert.
        _ = try ledger.adopt([try adoption(at: 1_100)], recordedAt: 2_100)
        #expect(try allAlerts(ledger).count == 1)

        // The first event from the relay with the same identity makes it an ordinary alert.
        try ledger.record([try event("critical", host: "web-9", at: 3_000)], recordedAt: 3_000)
        alerts = try allAlerts(ledger)
        #expect(alerts.count == 1)
        #expect(alerts.first?.adopted == false)
        #expect(alerts.first?.appKey == "k")
        #expect(alerts.first?.lastReceived == 3_000)
        #expect(alerts.first?.bigPandaAlertID == "bp-1", "the BigPanda id is kept")
    }

    @Test func closesByIdReCloseDriftAndMarksAreFenced() throws {
        let file = TemporaryLedger()
        let ledger = try SQLiteLedger(path: file.path)
        try ledger.record([try event("critical", host: "web-1", at: 100)], recordedAt: 100)
        var alert = try #require(try allAlerts(ledger).first)
        func close(at: Int64, eventID: Int64) throws -> AppliedOutcome? {
            try ledger.apply([
                SendRecord(
                    alertID: alert.id, appKey: "k", eventID: eventID, sentAt: at, timestamp: at, rule: "r",
                    reason: "why", httpStatus: 202, attempts: 1, kind: .delivered, error: nil, method: .id)
            ]).first
        }
        #expect(try close(at: 200, eventID: alert.currentEventID) == .resolved)
        alert = try #require(try allAlerts(ledger).first)
        #expect(alert.state == .resolved)
        #expect(alert.resolvedBy == .id)
        #expect(alert.resolvedAt == 200)
        // Drift: closing a resolved alert by id again restarts its grace.
        #expect(try close(at: 300, eventID: alert.currentEventID) == .resolved)
        #expect(try allAlerts(ledger).first?.resolvedAt == 300)
        // A decision on an old event is fenced.
        try ledger.record([try event("critical", host: "web-1", at: 400)], recordedAt: 400)
        #expect(try close(at: 500, eventID: alert.currentEventID) == .fenced)
        #expect(try ledger.markResolvedInBigPanda([(alert.id, alert.currentEventID)], at: 600) == 0)
        alert = try #require(try allAlerts(ledger).first)
        #expect(alert.state == .open)
        #expect(try ledger.markResolvedInBigPanda([(alert.id, alert.currentEventID)], at: 600) == 1)
        alert = try #require(try allAlerts(ledger).first)
        #expect(alert.state == .resolved)
        #expect(alert.resolvedBy == .bigpanda)
    }
}
