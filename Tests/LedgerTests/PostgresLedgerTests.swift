import Dispatch
import Ledger
import Postgres
import Synchronization
import TestSupport
import Testing

@testable import PostgresLedger

#if canImport(Glibc)
    import Glibc
#endif

/// What only the PostgreSQL ledger has: session-scoped claims, migrations under a lock, and errors
/// that tell an outage from a configuration mistake.
@Suite struct PostgresLedgerTests {
    @Test func theClaimIsReleasedWhenItsSessionEnds() throws {
        guard let conninfo = try PostgresTestServer.freshDatabase() else { return }
        let string = try PostgresConnectionString(conninfo)
        let ledger = try PostgresLedger(string)
        let claim = try #require(try ledger.claimSweep())
        #expect(try ledger.claimSweep() == nil, "a second claim waits for the first")
        // The holder's process dies: the server ends its session.
        let admin = try PostgresConnection(string)
        let ended = try admin.query(
            """
            SELECT pg_terminate_backend(pid) FROM pg_locks
            WHERE locktype = 'advisory' AND granted AND database = (SELECT oid FROM pg_database WHERE datname = current_database())
            """)
        #expect(ended.count == 1)
        // Termination is asynchronous: wait a little for the server to drop the lock.
        var next: (any SweepClaim)?
        for _ in 0..<50 where next == nil {
            next = try ledger.claimSweep()
            if next == nil { usleep(100_000) }
        }
        #expect(next != nil, "a killed holder never delays the next sweep")
        next?.release()
        claim.release()
    }

    @Test func releasingTheClaimLetsTheNextOneTakeIt() throws {
        guard let conninfo = try PostgresTestServer.freshDatabase() else { return }
        let ledger = try PostgresLedger(try PostgresConnectionString(conninfo))
        var claim = try #require(try ledger.claimSweep())
        claim.release()
        claim = try #require(try ledger.claimSweep())
        claim.release()
    }

    @Test func migrationsAreIdempotentWhenOpensRace() throws {
        // Several rounds, each on a new database, so the opens overlap in at least one of them.
        for _ in 0..<4 {
            guard let conninfo = try PostgresTestServer.freshDatabase() else { return }
            let string = try PostgresConnectionString(conninfo)
            let failures = Mutex<[String]>([])
            DispatchQueue.concurrentPerform(iterations: 16) { _ in
                do {
                    _ = try PostgresLedger(string)
                } catch {
                    failures.withLock { $0.append("\(error)") }
                }
            }
            #expect(failures.withLock { $0 }.isEmpty)
            let admin = try PostgresConnection(string)
            let applied = try admin.query("SELECT count(*), count(DISTINCT name) FROM schema_migrations")
            #expect(applied.int64(0, 0) == Int64(PostgresMigrations.all.count))
            #expect(applied.int64(0, 1) == Int64(PostgresMigrations.all.count))
            // A later open finds the work done and the ledger usable.
            let ledger = try PostgresLedger(string)
            try ledger.record([try event("critical", at: 1)], recordedAt: 1)
            #expect(try allAlerts(ledger).count == 1)
        }
    }

    /// Opens a ledger that writes in rounds of one event, so the first event's alert row is inserted at once
    /// and stays uncommitted; records that event and, while its transaction is open, has a second writer
    /// record `others` at time 2. Returns the first ledger, whether it committed, and "recorded" or the
    /// second writer's error.
    func whileAnUncommittedAlertIsOpen(record others: [IncomingEvent]) throws -> (
        first: PostgresLedger, committed: Bool, second: String?
    )? {
        guard let conninfo = try PostgresTestServer.freshDatabase() else { return nil }
        let string = try PostgresConnectionString(conninfo)
        let first = try PostgresLedger(string)
        first.recordBatchLimits = .init(eventsPerRound: 1, followedAlerts: 10)
        let second = Mutex<String?>(nil)
        let done = DispatchSemaphore(value: 0)
        let committed = try first.recordStream(recordedAt: 1) { record in
            try record(try event("critical", at: 1))
            DispatchQueue.global().async {
                do {
                    try PostgresLedger(string).record(others, recordedAt: 2)
                    second.withLock { $0 = "recorded" }
                } catch {
                    second.withLock { $0 = "\(error)" }
                }
                done.signal()
            }
            usleep(500_000)
            return true
        }
        done.wait()
        return (first, committed, second.withLock { $0 })
    }

    @Test func twoRelaysRecordingTheSameNewAlertAtOnceShareOneAlert() throws {
        // Another relay records the same new alert while the first one's transaction is still open.
        guard let (first, committed, second) = try whileAnUncommittedAlertIsOpen(record: [try event("warning", at: 2)])
        else { return }
        #expect(committed)
        #expect(second == "recorded")
        let alerts = try allAlerts(first)
        #expect(alerts.count == 1)
        #expect(alerts.first?.lastReceived == 2)
    }

    @Test func aBatchMeetingANewAlertAnotherWriterInsertedAppliesItsEventsToIt() throws {
        // Two events: a batch. It does not see the uncommitted alert, so it inserts its own; the insert
        // waits for the first writer's commit and then finds the alert there.
        guard
            let (first, committed, second) = try whileAnUncommittedAlertIsOpen(
                record: [try event("warning", at: 2), try event("critical", host: "b", at: 2)])
        else { return }
        #expect(committed)
        #expect(second == "recorded")
        let alerts = try allAlerts(first)
        #expect(alerts.count == 2)
        let shared = try #require(alerts.first { $0.display.contains("host=web-1") })
        #expect(shared.lastReceived == 2)
        #expect(shared.state == .open)
        var events: [Int64] = []
        try first.exportRows { row in
            if case .event(let event) = row, event.alertID == shared.id { events.append(event.receivedAt) }
        }
        #expect(events == [1, 2], "both events on the one alert")
    }

    @Test func aBulkRecordLeavesTheAlertsAnalyzedAndVacuumed() throws {
        guard let conninfo = try PostgresTestServer.freshDatabase() else { return }
        let string = try PostgresConnectionString(conninfo)
        let ledger = try PostgresLedger(string)
        let admin = try PostgresConnection(string)
        let tidied = "SELECT reltuples >= 0, relallvisible > 0 FROM pg_class WHERE oid = 'alerts'::regclass"
        try ledger.record([try event("critical", at: 1), try event("critical", host: "b", at: 2)], recordedAt: 3)
        #expect(try !admin.query(tidied).bool(0, 0), "a small record leaves the statistics to autovacuum")
        let committed = try ledger.recordStream(recordedAt: 10) { record in
            for index in 0..<1200 {
                try record(
                    try event(index % 4 == 0 ? "ok" : "critical", host: "h\(index % 300)", at: Int64(10 + index)))
            }
            return true
        }
        #expect(committed)
        let after = try admin.query(tidied)
        #expect(after.bool(0, 0), "analyzed: the planner knows how many alerts are open")
        #expect(after.bool(0, 1), "vacuumed: counting the open alerts reads only the index")

        // As many events again, on 5 of the 300 alerts: under a tenth of the rows, so no VACUUM now (a
        // relay's group commit into a large ledger must not wait for one).
        let vacuums = "SELECT vacuum_count FROM pg_stat_user_tables WHERE relname = 'alerts'"
        let before = try admin.query(vacuums).int64(0, 0)
        #expect(before == 1)
        _ = try ledger.recordStream(recordedAt: 2000) { record in
            for index in 0..<1200 { try record(try event("critical", host: "h\(index % 5)", at: Int64(2000 + index))) }
            return true
        }
        #expect(try admin.query(vacuums).int64(0, 0) == before)
    }

    @Test func aReadOnlyOpenOfAnEmptyDatabaseCreatesNothing() throws {
        guard let conninfo = try PostgresTestServer.freshDatabase() else { return }
        let string = try PostgresConnectionString(conninfo)
        let ledger = try PostgresLedger.open(string, readOnly: true)
        #expect(ledger is EmptyLedger)
        #expect(throws: LedgerError.self) { try PostgresLedger(string, readOnly: true) }
        let admin = try PostgresConnection(string)
        let tables = try admin.query("SELECT count(*) FROM pg_tables WHERE schemaname = 'public'")
        #expect(tables.int64(0, 0) == 0)
    }

    @Test func anUnreachableServerIsAnOutageNamingTheTarget() throws {
        let string = try PostgresConnectionString("host=127.0.0.1 port=1 dbname=ledger_x connect_timeout=2")
        let error = try #require(throws: LedgerError.self) { try PostgresLedger(string) }
        #expect(error.isUnreachable)
        #expect(!error.isConfiguration)
        #expect(error.description.contains("host 127.0.0.1, port 1, database ledger_x"))
    }

    @Test func aMissingDatabaseIsConfiguration() throws {
        guard let conninfo = try PostgresTestServer.freshDatabase() else { return }
        let missing = conninfo.replacing("dbname=t_", with: "dbname=missing_")
        let error = try #require(throws: LedgerError.self) { try PostgresLedger(try PostgresConnectionString(missing)) }
        #expect(error.isConfiguration)
        #expect(!error.isUnreachable)
        #expect(error.description.contains("database missing_"))
    }
}
