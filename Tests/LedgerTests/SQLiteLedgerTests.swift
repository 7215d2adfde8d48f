import Alerts
import TestSupport
import Testing

@testable import Ledger
@testable import SQLiteLedger

#if canImport(Glibc)
    import Glibc
#endif

/// What only the SQLite ledger promises: its file, its modes and its migrations.
@Suite struct SQLiteLedgerTests {
    @Test func createsTheFileWithMode0600InWALMode() throws {
        let temp = try TemporaryLedger()
        let ledger = try SQLiteLedger(path: temp.path)
        try ledger.record([try event("critical", at: 100)], recordedAt: 100)
        var info = stat()
        #expect(stat(temp.path, &info) == 0)
        #expect(info.st_mode & 0o777 == 0o600)
        #expect(access(temp.path + "-wal", F_OK) == 0)
    }

    @Test func readOnlyOfAMissingFileIsEmptyAndCreatesNothing() throws {
        let temp = try TemporaryLedger()
        for mode in [SQLiteLedger.Mode.readOnly, .readOnlyImmutable] {
            let ledger = try SQLiteLedger.open(path: temp.path, mode: mode)
            #expect(ledger is EmptyLedger)
            #expect(try allAlerts(ledger).isEmpty)
        }
        #expect(throws: LedgerError.self) { try SQLiteLedger(path: temp.path, mode: .readOnly) }
        #expect(access(temp.path, F_OK) != 0)
    }

    @Test func aLedgerAtTheThirdMigrationUpgradesInPlace() throws {
        let file = try TemporaryLedger()
        // A ledger as the previous release left it: three migrations, one alert resolved by our ok and
        // one resolved by a recorded ok event.
        do {
            let database = try SQLiteDatabase(path: file.path, readOnly: false, create: true)
            try database.execute(
                "CREATE TABLE schema_migrations (name TEXT PRIMARY KEY, applied_at INTEGER NOT NULL)")
            for migration in SQLiteMigrations.all.prefix(3) {
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

    @Test func aBatchOfOutcomesWritesEveryAuditRowInOrder() throws {
        let temp = try TemporaryLedger()
        let ledger = try SQLiteLedger(path: temp.path)
        // More than one chunk of audit rows, and a remainder written one by one.
        let count = SQLiteHotStatement.resolutionChunk * 2 + 3
        try ledger.record((0..<count).map { try event("critical", host: "h\($0)", at: 100) }, recordedAt: 100)
        let alerts = try allAlerts(ledger)
        let records = alerts.enumerated().map { index, alert in
            SendRecord(
                alertID: alert.id, appKey: alert.appKey, eventID: alert.currentEventID, sentAt: 200,
                timestamp: 200 + Int64(index), rule: "r\(index)", reason: "why \(index)",
                httpStatus: index % 3 == 0 ? nil : 201, attempts: 1, kind: index % 3 == 0 ? .failed : .delivered,
                error: index % 3 == 0 ? "e\(index)" : nil)
        }
        let outcomes = try ledger.apply(records)
        #expect(outcomes == records.map { $0.kind == .failed ? .failed : .resolved })
        let rows = try SQLiteDatabase(path: temp.path, readOnly: true, create: false).statement(
            "SELECT alert_id, timestamp, rule, reason, http_status, outcome, error FROM resolutions ORDER BY id")
        var seen: [String] = []
        while try rows.step() {
            seen.append(
                "\(rows.int64(0)) \(rows.int64(1)) \(rows.text(2)) \(rows.text(3)) "
                    + "\(rows.optionalInt64(4).map(String.init) ?? "-") \(rows.text(5)) \(rows.optionalText(6) ?? "-")")
        }
        rows.reset()
        #expect(
            seen
                == zip(records, outcomes).map { record, outcome in
                    "\(record.alertID) \(record.timestamp) \(record.rule) \(record.reason) "
                        + "\(record.httpStatus.map(String.init) ?? "-") \(outcome.rawValue) \(record.error ?? "-")"
                })
    }

    /// The sweep's writes skip the schema's CHECK constraints (their values are typed); every other
    /// write on the connection still has them, after an apply that succeeded and after one that failed.
    @Test func checksAreBackOnAfterAnApplyWhetherItCommittedOrNot() throws {
        let temp = try TemporaryLedger()
        let ledger = try SQLiteLedger(path: temp.path)
        try ledger.record([try event("critical", host: "a", at: 100)], recordedAt: 100)
        let alert = try #require(try allAlerts(ledger).first)
        func record(alertID: Int64) -> SendRecord {
            SendRecord(
                alertID: alertID, appKey: alert.appKey, eventID: alert.currentEventID, sentAt: 200, timestamp: 200,
                rule: "r", reason: "why", httpStatus: 201, attempts: 1, kind: .delivered, error: nil)
        }
        func breaksACheck() -> Bool {
            (try? ledger.database.execute("UPDATE alerts SET state = 'bogus' WHERE id = \(alert.id)")) == nil
        }
        #expect(try ledger.apply([record(alertID: alert.id)]) == [.resolved])
        #expect(breaksACheck(), "a CHECK constraint refuses an unknown state after a committed apply")
        // An audit row for an alert that does not exist breaks a foreign key: the apply rolls back.
        #expect(throws: LedgerError.self) { try ledger.apply([record(alertID: alert.id + 99)]) }
        #expect(breaksACheck(), "and after one that rolled back")
        #expect(try allAlerts(ledger).map(\.state) == [.resolved])
    }

    /// A sweep's ledger (durability `.normal`) checkpoints its WAL from a second connection on a
    /// thread of its own, not in its commits: the database file holds a batch's outcomes while the
    /// sweep's connection is still open and far below SQLite's 1,000-page automatic checkpoint.
    @Test func aSweepsCommitsAreCheckpointedInTheBackground() async throws {
        let temp = try TemporaryLedger()
        do {
            let recorder = try SQLiteLedger(path: temp.path)
            try recorder.record((0..<5).map { try event("critical", host: "h\($0)", at: 100) }, recordedAt: 100)
        }
        // The file holds the open alerts, the WAL nothing.
        try SQLiteDatabase(path: temp.path, readOnly: false, create: false).execute("PRAGMA wal_checkpoint(TRUNCATE)")
        let sweep = try SQLiteLedger(path: temp.path, durability: .normal)
        #expect(sweep.checkpointer == nil, "nothing starts before the first write")
        let records = try allAlerts(sweep).map { alert in
            SendRecord(
                alertID: alert.id, appKey: alert.appKey, eventID: alert.currentEventID, sentAt: 200, timestamp: 200,
                rule: "r", reason: "why", httpStatus: 201, attempts: 1, kind: .delivered, error: nil)
        }
        #expect(try sweep.apply(records).allSatisfy { $0 == .resolved })
        #expect(sweep.checkpointer != nil)
        // `immutable` reads the database file alone, not the WAL.
        func inFile() throws -> [AlertState] {
            try allAlerts(try SQLiteLedger(path: temp.path, mode: .readOnlyImmutable)).map(\.state)
        }
        #expect(try inFile() == Array(repeating: .open, count: 5) || inFile().allSatisfy { $0 == .resolved })
        #expect(try await eventually(15) { try inFile() == Array(repeating: .resolved, count: 5) })
        // A record's ledger (durability `.full`) keeps SQLite's own checkpoints.
        let recorder = try SQLiteLedger(path: temp.path)
        #expect(try recorder.apply([]) == [])
        #expect(recorder.checkpointer == nil)
    }
}
