import Alerts

#if canImport(Glibc)
    import Glibc
#endif

/// The SQLite ledger: one file in WAL mode, created 0600, migrated on open.
public final class SQLiteLedger: LedgerStore {
    public let location: String
    let database: SQLiteDatabase?
    private let readOnly: Bool
    private let durability: Durability

    /// How to open a ledger.
    public enum Mode: Sendable {
        /// Create and migrate as needed; for commands that write.
        case readWrite
        /// Never write or create; a missing file reads as an empty ledger.
        case readOnly
        /// As `readOnly`, but read as a file nothing changes: no lock, no `-wal` or `-shm` file. Only for
        /// a ledger no process has open in WAL mode (it has no `-wal`), and the caller must check that the
        /// file did not change while it read.
        case readOnlyImmutable
    }

    /// How commits reach the disk.
    public enum Durability: Sendable {
        /// Every commit is synced before it returns (`synchronous = FULL`): what the relay and the
        /// recorders need, since a 202 or exit 0 promises the alert is stored.
        case full
        /// Commits are synced at WAL checkpoints (`synchronous = NORMAL`): a power loss may roll back
        /// the last commits, never corrupt. The sweep uses it: a lost "resolved" mark only means the
        /// `ok` is sent again (delivery is at least once).
        case normal
    }

    /// Opens the ledger at `path`.
    public init(path: String, mode: Mode = .readWrite, durability: Durability = .full) throws {
        location = path
        readOnly = mode != .readWrite
        self.durability = durability
        if readOnly, access(path, F_OK) != 0 {
            database = nil
            return
        }
        let database = try SQLiteDatabase(
            path: path, readOnly: readOnly, create: !readOnly, immutable: mode == .readOnlyImmutable)
        self.database = database
        try database.execute("PRAGMA busy_timeout = 10000")
        // A modest page cache. No mmap: mapped pages count towards the process's RSS, and a sweep
        // over a large ledger must stay small.
        try database.execute("PRAGMA cache_size = -8192")
        if readOnly {
            try checkMigrated(database)
            return
        }
        // Only takes effect on a new, empty file: lets sweeps that apply `retention` shrink it bit by bit.
        if try database.isEmpty() { try database.execute("PRAGMA auto_vacuum = INCREMENTAL") }
        try database.execute("PRAGMA journal_mode = WAL")
        try database.execute(durability == .full ? "PRAGMA synchronous = FULL" : "PRAGMA synchronous = NORMAL")
        try database.execute("PRAGMA foreign_keys = ON")
        try migrate(database)
    }

    private func migrate(_ database: SQLiteDatabase) throws {
        var applied = try appliedMigrations(database)
        // The usual case, an up-to-date ledger, reads and writes nothing more.
        if Set(Migrations.all.map(\.name)).isSubset(of: applied) { return }
        try database.execute(
            "CREATE TABLE IF NOT EXISTS schema_migrations (name TEXT PRIMARY KEY, applied_at INTEGER NOT NULL)")
        applied = try appliedMigrations(database)
        for migration in Migrations.all where !applied.contains(migration.name) {
            try database.transaction {
                // Another process may have applied it while we waited for the write lock.
                if try appliedMigrations(database).contains(migration.name) { return }
                try database.execute(migration.sql)
                try database.statement("INSERT INTO schema_migrations (name, applied_at) VALUES (?, ?)")
                    .run([.text(migration.name), .integer(Int64(time(nil)))])
            }
        }
    }

    private func checkMigrated(_ database: SQLiteDatabase) throws {
        let applied = try appliedMigrations(database)
        let known = Set(Migrations.all.map(\.name))
        if applied.isEmpty || !known.isSubset(of: applied) {
            throw LedgerError(
                location: location,
                message:
                    "the ledger's schema is not up to date; run a command that writes (record, sweep) to migrate it"
            )
        }
        if !applied.isSubset(of: known) {
            throw LedgerError(
                location: location, message: "the ledger was written by a newer logzio-resolver; upgrade this one")
        }
    }

    private func appliedMigrations(_ database: SQLiteDatabase) throws -> Set<String> {
        let exists = try database.statement(
            "SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name = 'schema_migrations'")
        // Every read statement is reset after use: a cached statement left mid-step keeps a read
        // snapshot open, and a later write on this connection then fails with SQLITE_BUSY at once.
        let found = try exists.step() && exists.int64(0) > 0
        exists.reset()
        guard found else { return [] }
        let statement = try database.statement("SELECT name FROM schema_migrations")
        defer { statement.reset() }
        var names: Set<String> = []
        while try statement.step() { names.insert(statement.text(0)) }
        return names
    }

    func writable() throws -> SQLiteDatabase {
        guard let database, !readOnly else {
            throw LedgerError(location: location, message: "the ledger was opened read only")
        }
        return database
    }

    public func record(_ events: [IncomingEvent], recordedAt: Int64) throws {
        let database = try writable()
        try database.transaction {
            for event in events { try record(event, recordedAt: recordedAt, in: database) }
        }
    }

    public func recordStream(
        recordedAt: Int64,
        _ body: (_ record: (IncomingEvent) throws -> Void) throws -> Bool
    ) throws -> Bool {
        let database = try writable()
        struct Discard: Error {}
        do {
            try database.transaction {
                let commit = try body { event in try record(event, recordedAt: recordedAt, in: database) }
                if !commit { throw Discard() }
            }
            return true
        } catch is Discard {
            return false
        }
    }

    private func record(_ event: IncomingEvent, recordedAt: Int64, in database: SQLiteDatabase) throws {
        let alert = event.alert
        let key = alert.identity.key
        let stamp = alert.timestamp ?? event.receivedAt
        let isOK = alert.status == .ok
        let find = try database.statement(
            "SELECT id, state, last_received FROM alerts WHERE identity = ?")
        try find.bind([.text(key)])
        var existing: (id: Int64, state: String, lastReceived: Int64)?
        defer { find.reset() }
        if try find.step() { existing = (find.int64(0), find.text(1), find.int64(2)) }
        find.reset()
        if existing == nil {
            // An alert adopted from BigPanda has no app key; the first event from the relay with the
            // same identity makes it an ordinary alert, closed by `ok` from then on.
            try find.bind([.text(Adoption.identityKey(alert.identity.parts))])
            if try find.step() {
                existing = (find.int64(0), find.text(1), find.int64(2))
                find.reset()
                if let adopted = existing?.id {
                    try database.statement(
                        "UPDATE alerts SET identity = ?, app_key = ?, display = ?, adopted = 0 WHERE id = ?"
                    ).run([
                        .text(key), .text(alert.identity.appKey), .text(alert.identity.display), .integer(adopted),
                    ])
                }
            }
        }

        let alertID: Int64
        if let existing {
            alertID = existing.id
        } else {
            try database.statement(
                """
                INSERT INTO alerts
                    (identity, app_key, display, state, current_event_id, last_received, max_timestamp,
                     resolved_at, resolved_by)
                VALUES (?, ?, ?, ?, 0, ?, ?, ?, ?)
                """
            ).run([
                .text(key), .text(alert.identity.appKey), .text(alert.identity.display),
                .text(isOK ? AlertState.resolved.rawValue : AlertState.open.rawValue),
                .integer(event.receivedAt), .integer(stamp), isOK ? .integer(event.receivedAt) : .null,
                isOK ? .text(ResolvedBy.event.rawValue) : .null,
            ])
            alertID = database.lastInsertRowID
        }
        try database.statement(
            """
            INSERT INTO events (alert_id, received_at, recorded_at, status, timestamp, payload)
            VALUES (?, ?, ?, ?, ?, ?)
            """
        ).run([
            .integer(alertID), .integer(event.receivedAt), .integer(recordedAt), .text(alert.status.rawValue),
            .optional(alert.timestamp), .text(alert.payload.serialized()),
        ])
        let eventID = database.lastInsertRowID
        if let forward = event.forward {
            try database.statement(
                "INSERT INTO outbox (alert_id, event_id, app_key, payload, created_at) VALUES (?, ?, ?, ?, ?)"
            ).run([
                .integer(alertID), .integer(eventID), .text(alert.identity.appKey), .text(forward),
                .integer(recordedAt),
            ])
        }

        guard let existing else {
            try database.statement("UPDATE alerts SET current_event_id = ? WHERE id = ?")
                .run([.integer(eventID), .integer(alertID)])
            return
        }
        if !isOK, existing.state == AlertState.resolved.rawValue {
            try countRefire(alertID: alertID, receivedAt: event.receivedAt, in: database)
        }
        if event.receivedAt >= existing.lastReceived {
            // The newest event (ties go to the one recorded last) becomes the current state.
            // A non-ok event on a resolved or rejected alert opens a new episode.
            try database.statement(
                """
                UPDATE alerts SET
                    current_event_id = ?1, last_received = ?2, max_timestamp = max(max_timestamp, ?3),
                    rejected_runs = 0,
                    episode = episode + CASE WHEN ?4 = 0 AND state <> 'open' THEN 1 ELSE 0 END,
                    resolved_at = CASE WHEN ?4 = 1 THEN ?2 ELSE NULL END,
                    resolved_by = CASE WHEN ?4 = 1 THEN 'event' ELSE NULL END,
                    state = CASE WHEN ?4 = 1 THEN 'resolved' ELSE 'open' END
                WHERE id = ?5
                """
            ).run([
                .integer(eventID), .integer(event.receivedAt), .integer(stamp), .integer(isOK ? 1 : 0),
                .integer(alertID),
            ])
        } else {
            // An older event recorded late is history; it only raises the timestamp floor.
            try database.statement("UPDATE alerts SET max_timestamp = max(max_timestamp, ?) WHERE id = ?")
                .run([.integer(stamp), .integer(alertID)])
        }
    }

    /// Counts a non-ok event that arrived within 1 h after one of our oks was accepted.
    private func countRefire(alertID: Int64, receivedAt: Int64, in database: SQLiteDatabase) throws {
        let last = try database.statement(
            "SELECT rule, sent_at FROM resolutions WHERE alert_id = ? AND outcome = 'resolved' ORDER BY id DESC LIMIT 1"
        )
        try last.bind([.integer(alertID)])
        defer { last.reset() }
        guard try last.step() else { return }
        let rule = last.text(0)
        let sentAt = last.int64(1)
        guard receivedAt >= sentAt, receivedAt - sentAt <= 3600 else { return }
        try addMetric(
            LedgerMetricName.refired, labels: MetricSample.labelText([("rule", rule)]), value: 1, set: false,
            in: database)
    }

    private func addMetric(_ name: String, labels: String, value: Double, set: Bool, in database: SQLiteDatabase) throws
    {
        let sql =
            set
            ? "INSERT INTO metrics (name, labels, value) VALUES (?1, ?2, ?3) ON CONFLICT (name, labels) DO UPDATE SET value = excluded.value"
            : "INSERT INTO metrics (name, labels, value) VALUES (?1, ?2, ?3) ON CONFLICT (name, labels) DO UPDATE SET value = metrics.value + excluded.value"
        try database.statement(sql).run([.text(name), .text(labels), .real(value)])
    }

    public func updateMetric(_ name: String, labels: String, value: Double, set: Bool) throws {
        let database = try writable()
        try addMetric(name, labels: labels, value: value, set: set, in: database)
    }

    public func metricSamples() throws -> [MetricSample] {
        guard let database else { return [] }
        let statement = try database.statement("SELECT name, labels, value FROM metrics ORDER BY name, labels")
        defer { statement.reset() }
        var samples: [MetricSample] = []
        while try statement.step() {
            samples.append(MetricSample(name: statement.text(0), labels: statement.text(1), value: statement.double(2)))
        }
        return samples
    }

    public func openSummary() throws -> OpenSummary {
        guard let database else { return OpenSummary(open: 0, oldestLastReceived: nil) }
        let statement = try database.statement("SELECT count(*), min(last_received) FROM alerts WHERE state = 'open'")
        defer { statement.reset() }
        guard try statement.step() else { return OpenSummary(open: 0, oldestLastReceived: nil) }
        return OpenSummary(open: Int(statement.int64(0)), oldestLastReceived: statement.optionalInt64(1))
    }

    static let alertColumns = """
        SELECT a.id, a.identity, a.display, a.app_key, a.state, a.current_event_id, a.last_received,
               a.max_timestamp, e.payload, a.bigpanda_alert_id, a.adopted, a.resolved_by, a.resolved_at
        FROM alerts a JOIN events e ON e.id = a.current_event_id
        """

    func readAlert(_ statement: SQLiteStatement) throws -> LedgerAlert {
        // The schema's CHECK allows only known states; anything else is a damaged ledger, never "open".
        guard let state = AlertState(rawValue: statement.text(4)) else {
            throw LedgerError(
                location: location, message: "alert \(statement.int64(0)) has an unknown state \"\(statement.text(4))\""
            )
        }
        return LedgerAlert(
            id: statement.int64(0),
            identityKey: statement.text(1),
            display: statement.text(2),
            appKey: statement.text(3),
            state: state,
            currentEventID: statement.int64(5),
            lastReceived: statement.int64(6),
            maxTimestamp: statement.int64(7),
            payloadText: statement.text(8),
            bigPandaAlertID: statement.optionalText(9),
            adopted: statement.int64(10) != 0,
            resolvedBy: statement.optionalText(11).flatMap(ResolvedBy.init(rawValue:)),
            resolvedAt: statement.optionalInt64(12)
        )
    }

    public func forEachAlert(_ filter: AlertFilter, _ body: (LedgerAlert) throws -> Void) throws {
        guard let database else { return }
        let states = filter.states.isEmpty ? AlertState.allCases : AlertState.allCases.filter(filter.states.contains)
        // One statement per state keeps each scan on the (state, app_key, id) index.
        for state in states {
            var sql = Self.alertColumns + " WHERE a.state = ?"
            var values: [SQLiteValue] = [.text(state.rawValue)]
            if let appKey = filter.appKey {
                sql += " AND a.app_key = ?"
                values.append(.text(appKey))
            }
            // The (state, app_key, id) index's own order: no sort of payload rows into a temp file.
            sql += " ORDER BY a.app_key, a.id"
            let statement = try database.statement(sql)
            try statement.bind(values)
            defer { statement.reset() }
            while try statement.step() {
                try body(try readAlert(statement))
            }
        }
    }

    public func alerts(ids: [Int64]) throws -> [LedgerAlert] {
        guard let database else { return [] }
        let statement = try database.statement(Self.alertColumns + " WHERE a.id = ?")
        var result: [LedgerAlert] = []
        result.reserveCapacity(ids.count)
        defer { statement.reset() }
        for id in ids {
            statement.reset()
            try statement.bind([.integer(id)])
            if try statement.step() { result.append(try readAlert(statement)) }
        }
        statement.reset()
        return result
    }

    public func apply(_ records: [SendRecord]) throws -> [AppliedOutcome] {
        let database = try writable()
        return try database.transaction {
            var outcomes: [AppliedOutcome] = []
            outcomes.reserveCapacity(records.count)
            var counts: [String: (name: String, appKey: String, rule: String, value: Double)] = [:]
            for record in records {
                // The state changes only if the alert's current event is still the one decided on (the
                // fence). The timestamp floor rises either way.
                let outcome: AppliedOutcome
                switch record.kind {
                case .delivered where record.method == .id:
                    // A close by id also re-closes drift: an alert resolved before that BigPanda still shows.
                    try database.statement(
                        """
                        UPDATE alerts SET state = 'resolved', resolved_at = ?1, resolved_by = 'id', rejected_runs = 0
                        WHERE id = ?2 AND current_event_id = ?3 AND state IN ('open', 'resolved')
                        """
                    ).run([.integer(record.sentAt), .integer(record.alertID), .integer(record.eventID)])
                    outcome = database.changes == 1 ? .resolved : .fenced
                case .delivered:
                    try database.statement(
                        """
                        UPDATE alerts SET state = 'resolved', resolved_at = ?1, resolved_by = 'ok', rejected_runs = 0,
                            max_timestamp = max(max_timestamp, ?2)
                        WHERE id = ?3 AND current_event_id = ?4 AND state = 'open'
                        """
                    ).run([
                        .integer(record.sentAt), .integer(record.timestamp), .integer(record.alertID),
                        .integer(record.eventID),
                    ])
                    if database.changes == 1 {
                        outcome = .resolved
                    } else {
                        try raiseFloor(record, in: database)
                        outcome = .fenced
                    }
                case .permanent:
                    try database.statement(
                        """
                        UPDATE alerts SET rejected_runs = rejected_runs + 1, max_timestamp = max(max_timestamp, ?1),
                            state = CASE WHEN rejected_runs + 1 >= 3 THEN 'rejected' ELSE state END
                        WHERE id = ?2 AND current_event_id = ?3 AND state = 'open'
                        """
                    ).run([.integer(record.timestamp), .integer(record.alertID), .integer(record.eventID)])
                    if database.changes == 1 {
                        outcome = try state(of: record.alertID, in: database) == .rejected ? .rejected : .failed
                    } else {
                        try raiseFloor(record, in: database)
                        outcome = .failed
                    }
                case .failed:
                    try raiseFloor(record, in: database)
                    outcome = .failed
                }
                try database.statement(
                    """
                    INSERT INTO resolutions
                        (alert_id, event_id, sent_at, timestamp, rule, reason, http_status, attempts, outcome, error,
                         method)
                    VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                    """
                ).run([
                    .integer(record.alertID), .integer(record.eventID), .integer(record.sentAt),
                    .integer(record.timestamp), .text(record.rule), .text(record.reason),
                    .optional(record.httpStatus.map(Int64.init)), .integer(Int64(max(1, record.attempts))),
                    .text(outcome.rawValue), .optional(record.error), .text(record.method.rawValue),
                ])
                let name: String? =
                    switch outcome {
                    case .resolved: LedgerMetricName.resolved
                    case .failed, .rejected: LedgerMetricName.failed
                    case .fenced: nil
                    }
                if let name {
                    counts[
                        name + "\u{0}" + record.appKey + "\u{0}" + record.rule,
                        default: (name, record.appKey, record.rule, 0)
                    ]
                    .value += 1
                }
                outcomes.append(outcome)
            }
            // One counter update per series and batch, not per alert.
            for (name, appKey, rule, value) in counts.values {
                let labels = MetricSample.labelText([("app_key", appKey), ("rule", rule)])
                try addMetric(name, labels: labels, value: value, set: false, in: database)
            }
            return outcomes
        }
    }

    /// Every ok that left raises the timestamp floor for the next one, delivered or not.
    private func raiseFloor(_ record: SendRecord, in database: SQLiteDatabase) throws {
        try database.statement("UPDATE alerts SET max_timestamp = max(max_timestamp, ?) WHERE id = ?")
            .run([.integer(record.timestamp), .integer(record.alertID)])
    }

    private func state(of alertID: Int64, in database: SQLiteDatabase) throws -> AlertState? {
        let statement = try database.statement("SELECT state FROM alerts WHERE id = ?")
        try statement.bind([.integer(alertID)])
        defer { statement.reset() }
        return try statement.step() ? AlertState(rawValue: statement.text(0)) : nil
    }

    public func pendingOutbox(limit: Int) throws -> [OutboxRow] {
        guard let database else { return [] }
        let statement = try database.statement(
            "SELECT id, alert_id, app_key, payload FROM outbox WHERE state = 'pending' ORDER BY id LIMIT ?")
        try statement.bind([.integer(Int64(limit))])
        defer { statement.reset() }
        var rows: [OutboxRow] = []
        while try statement.step() {
            rows.append(
                OutboxRow(
                    id: statement.int64(0), alertID: statement.int64(1), appKey: statement.text(2),
                    payload: statement.text(3)))
        }
        return rows
    }

    public func completeOutbox(ids: [Int64]) throws {
        let database = try writable()
        // Losing this commit to a power cut only means the rows are sent again (at least once), so it
        // need not wait for the disk; the next synced commit makes it durable too. That keeps the
        // forwarder from adding a disk flush to the relay's ingest path for every batch it delivers.
        try database.execute("PRAGMA synchronous = NORMAL")
        defer {
            try? database.execute(durability == .full ? "PRAGMA synchronous = FULL" : "PRAGMA synchronous = NORMAL")
        }
        try database.transaction {
            for id in ids {
                try database.statement("DELETE FROM outbox WHERE id = ?").run([.integer(id)])
            }
        }
    }

    public func rejectOutbox(id: Int64, error: String) throws {
        let database = try writable()
        try database.statement("UPDATE outbox SET state = 'rejected', error = ? WHERE id = ?").run([
            .text(error), .integer(id),
        ])
    }

    public func outboxCounts() throws -> OutboxCounts {
        guard let database else { return OutboxCounts(pending: 0, rejected: 0) }
        let statement = try database.statement(
            "SELECT coalesce(sum(state = 'pending'), 0), coalesce(sum(state = 'rejected'), 0) FROM outbox")
        defer { statement.reset() }
        guard try statement.step() else { return OutboxCounts(pending: 0, rejected: 0) }
        return OutboxCounts(pending: Int(statement.int64(0)), rejected: Int(statement.int64(1)))
    }

    public func alertsWithPendingForward() throws -> Set<Int64> {
        guard let database else { return [] }
        let statement = try database.statement("SELECT DISTINCT alert_id FROM outbox WHERE state = 'pending'")
        defer { statement.reset() }
        var ids: Set<Int64> = []
        while try statement.step() { ids.insert(statement.int64(0)) }
        return ids
    }

    public func heartbeat(runID: String, at: Int64) throws {
        let database = try writable()
        try database.statement(
            """
            INSERT INTO heartbeats (run_id, first_at, last_at) VALUES (?1, ?2, ?2)
            ON CONFLICT (run_id) DO UPDATE SET last_at = max(heartbeats.last_at, excluded.last_at)
            """
        ).run([.text(runID), .integer(at)])
    }

    public func heartbeatRuns() throws -> [(first: Int64, last: Int64)] {
        guard let database else { return [] }
        let statement = try database.statement("SELECT first_at, last_at FROM heartbeats ORDER BY first_at")
        defer { statement.reset() }
        var runs: [(first: Int64, last: Int64)] = []
        while try statement.step() { runs.append((statement.int64(0), statement.int64(1))) }
        return runs
    }

    public func prune(before cutoff: Int64, dryRun: Bool) throws -> PruneResult {
        guard let database else { return PruneResult(events: 0, resolutions: 0) }
        if !dryRun { _ = try writable() }
        let eventsWhere = """
            FROM events WHERE received_at < ?1
              AND id NOT IN (SELECT current_event_id FROM alerts)
              AND id NOT IN (SELECT event_id FROM resolutions WHERE sent_at >= ?1)
              AND id NOT IN (SELECT event_id FROM outbox)
              AND alert_id IN (SELECT id FROM alerts WHERE state <> 'open')
            """
        let resolutionsWhere = """
            FROM resolutions WHERE sent_at < ?1 AND alert_id IN (SELECT id FROM alerts WHERE state <> 'open')
            """
        func count(_ fromWhere: String) throws -> Int {
            let statement = try database.statement("SELECT count(*) " + fromWhere)
            try statement.bind([.integer(cutoff)])
            defer { statement.reset() }
            return try statement.step() ? Int(statement.int64(0)) : 0
        }
        if dryRun {
            return PruneResult(events: try count(eventsWhere), resolutions: try count(resolutionsWhere))
        }
        return try database.transaction {
            try database.statement("DELETE " + resolutionsWhere).run([.integer(cutoff)])
            let resolutions = database.changes
            try database.statement("DELETE " + eventsWhere).run([.integer(cutoff)])
            return PruneResult(events: database.changes, resolutions: resolutions)
        }
    }

    public func vacuum(incremental: Bool) throws {
        let database = try writable()
        try database.execute(incremental ? "PRAGMA incremental_vacuum" : "VACUUM")
    }

    public func claimSweep() throws -> (any SweepClaim)? {
        try FileLockClaim(path: location + ".lock")
    }
}
