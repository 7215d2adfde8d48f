public import Ledger

extension SQLiteLedger: SweepQueries {
    /// The `WHERE` clause for one state under `filter`, and its values.
    private static func condition(_ state: AlertState, _ filter: AlertFilter) -> (String, [SQLiteValue]) {
        var sql = " WHERE a.state = ?"
        var values: [SQLiteValue] = [.text(state.rawValue)]
        if let appKey = filter.appKey {
            sql += " AND a.app_key = ?"
            values.append(.text(appKey))
        }
        if let cutoff = filter.lastReceivedAtMost {
            sql += " AND a.last_received <= ?"
            values.append(.integer(cutoff))
        }
        return (sql, values)
    }

    private static func states(_ filter: AlertFilter) -> [AlertState] {
        filter.states.isEmpty ? AlertState.allCases : AlertState.allCases.filter(filter.states.contains)
    }

    public func forEachAlert(_ filter: AlertFilter, _ body: (LedgerAlert) throws -> Void) throws {
        // One statement per state keeps each scan on the (state, app_key, id) index.
        for state in Self.states(filter) {
            let (condition, values) = Self.condition(state, filter)
            // The (state, app_key, id) index's own order: no sort of payload rows into a temp file.
            let columns = filter.payloads ? LedgerAlert.selectWithPayload : LedgerAlert.selectWithoutPayload
            let statement = try database.statement(columns + condition + " ORDER BY a.app_key, a.id")
            try statement.bind(values)
            defer { statement.reset() }
            while try statement.step() {
                try body(try LedgerAlert(row: statement, location: location))
            }
        }
    }

    public func countAlerts(_ filter: AlertFilter) throws -> Int {
        var total = 0
        for state in Self.states(filter) {
            let (condition, values) = Self.condition(state, filter)
            let statement = try database.statement("SELECT count(*) FROM alerts a" + condition)
            try statement.bind(values)
            defer { statement.reset() }
            if try statement.step() { total += Int(statement.int64(0)) }
        }
        return total
    }

    public func alerts(ids: [Int64]) throws -> [LedgerAlert] {
        // One statement for the whole batch: the ids go in as one JSON array.
        let statement = try database.statement(
            LedgerAlert.selectWithPayload + " WHERE a.id IN (SELECT value FROM json_each(?))")
        try statement.bind([.text("[" + ids.map(String.init).joined(separator: ",") + "]")])
        defer { statement.reset() }
        var byID: [Int64: LedgerAlert] = [:]
        byID.reserveCapacity(ids.count)
        while try statement.step() {
            let alert = try LedgerAlert(row: statement, location: location)
            byID[alert.id] = alert
        }
        return ids.compactMap { byID[$0] }
    }

    public func apply(_ records: [SendRecord]) throws -> [AppliedOutcome] {
        let database = try writable()
        checkpointInBackground()
        // Every checked column below takes a literal or a typed value (`AppliedOutcome`, `SendRecord.Method`,
        // `max(1, attempts)`), so the checks are skipped: they were two thirds of the fence's cost.
        return try database.withoutCheckConstraints {
            try database.transaction { () throws -> [AppliedOutcome] in
                var outcomes: [AppliedOutcome] = []
                outcomes.reserveCapacity(records.count)
                var counts = OutcomeCounts()
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
                            WHERE id = ?2 AND current_event_id = ?3 AND state IN \(AlertState.sqlList(record.fencedStates))
                            """
                        ).run([.integer(record.sentAt), .integer(record.alertID), .integer(record.eventID)])
                        outcome = database.changes == 1 ? .resolved : .fenced
                    case .delivered:
                        try database.statement(.resolveDelivered).run([
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
                                state = CASE WHEN rejected_runs + 1 >= \(LedgerRules.rejectedAfterRuns) THEN 'rejected' ELSE state END
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
                    counts.add(outcome, for: record)
                    outcomes.append(outcome)
                }
                try insertResolutions(records, outcomes, in: database)
                // One counter update per series and batch, not per alert.
                for (name, labels, value) in counts.series {
                    try addMetric(name, labels: labels, value: value, in: database)
                }
                return outcomes
            }
        }
    }

    /// Every ok that left raises the timestamp floor for the next one, delivered or not.
    private func raiseFloor(_ record: SendRecord, in database: SQLiteDatabase) throws {
        try database.statement(.raiseFloor).run([.integer(record.timestamp), .integer(record.alertID)])
    }

    /// The audit rows, in order: whole chunks in one statement each, the rest one by one.
    private func insertResolutions(
        _ records: [SendRecord], _ outcomes: [AppliedOutcome], in database: SQLiteDatabase
    ) throws {
        func values(_ index: Int) -> [SQLiteValue] {
            let record = records[index]
            return [
                .integer(record.alertID), .integer(record.eventID), .integer(record.sentAt),
                .integer(record.timestamp), .text(record.rule), .text(record.reason),
                .optional(record.httpStatus.map(Int64.init)), .integer(Int64(max(1, record.attempts))),
                .text(outcomes[index].rawValue), .optional(record.error), .text(record.method.rawValue),
            ]
        }
        let chunk = SQLiteHotStatement.resolutionChunk
        var start = 0
        while records.count - start >= chunk {
            try database.statement(.insertResolutions).run((start..<start + chunk).flatMap(values))
            start += chunk
        }
        for index in start..<records.count {
            try database.statement(.insertResolution).run(values(index))
        }
    }

    private func state(of alertID: Int64, in database: SQLiteDatabase) throws -> AlertState? {
        let statement = try database.statement("SELECT state FROM alerts WHERE id = ?")
        try statement.bind([.integer(alertID)])
        defer { statement.reset() }
        return try statement.step() ? AlertState(rawValue: statement.text(0)) : nil
    }

    public func alertsWithPendingForward() throws -> Set<Int64> {
        let statement = try database.statement("SELECT DISTINCT alert_id FROM outbox WHERE state = 'pending'")
        defer { statement.reset() }
        var ids: Set<Int64> = []
        while try statement.step() { ids.insert(statement.int64(0)) }
        return ids
    }

    public func openSummary() throws -> OpenSummary {
        let statement = try database.statement("SELECT count(*), min(last_received) FROM alerts WHERE state = 'open'")
        defer { statement.reset() }
        guard try statement.step() else { return OpenSummary(open: 0, oldestLastReceived: nil) }
        return OpenSummary(open: Int(statement.int64(0)), oldestLastReceived: statement.optionalInt64(1))
    }

    public func recordHolds(_ held: [Int64: String], appKey: String?) throws {
        let database = try writable()
        try database.transaction {
            try database.statement(
                "UPDATE alerts SET held_by = NULL WHERE held_by IS NOT NULL AND (?1 IS NULL OR app_key = ?1)"
            ).run([.optional(appKey)])
            for (alertID, hold) in held {
                try database.statement("UPDATE alerts SET held_by = ?1 WHERE id = ?2").run([
                    .text(hold), .integer(alertID),
                ])
            }
        }
    }
}
