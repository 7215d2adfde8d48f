public import Ledger
import Postgres
import ResolverMetrics

extension PostgresLedger: SweepQueries {
    /// How many alerts one page of a scan holds: bounded memory however many alerts.
    static let alertPage = 500

    /// The filter's conditions after the state (`$1`): app key (`$2`) and last-received bound (`$3`).
    static let filterCondition = """
         WHERE a.state = $1 AND ($2::text IS NULL OR a.app_key = $2::text)
          AND ($3::bigint IS NULL OR a.last_received <= $3::bigint)
        """

    private static func states(_ filter: AlertFilter) -> [AlertState] {
        filter.states.isEmpty ? AlertState.allCases : AlertState.allCases.filter(filter.states.contains)
    }

    public func forEachAlert(_ filter: AlertFilter, _ body: (LedgerAlert) throws -> Void) throws {
        // One scan per state, in the (state, app_key, id) index's order, a page at a time.
        let sql =
            (filter.payloads ? LedgerAlert.selectWithPayload : LedgerAlert.selectWithoutPayload) + Self.filterCondition
                + """
                  AND (a.app_key, a.id) > ($4::text, $5::bigint)
                ORDER BY a.app_key, a.id LIMIT $6
                """
        for state in Self.states(filter) {
            var after: (appKey: String, id: Int64) = ("", .min)
            while true {
                let result = try guarded {
                    try connection.query(
                        sql,
                        [
                            .text(state.rawValue), .optional(filter.appKey), .optional(filter.lastReceivedAtMost),
                            .text(after.appKey), .integer(after.id), .integer(Int64(Self.alertPage)),
                        ])
                }
                for row in 0..<result.count {
                    try body(try LedgerAlert(row: PostgresRow(result, row), location: location))
                }
                guard result.count == Self.alertPage else { break }
                after = (result.text(result.count - 1, 3), result.int64(result.count - 1, 0))
            }
        }
    }

    public func countAlerts(_ filter: AlertFilter) throws -> Int {
        var total = 0
        for state in Self.states(filter) {
            let result = try guarded {
                try connection.query(
                    "SELECT count(*) FROM alerts a" + Self.filterCondition,
                    [.text(state.rawValue), .optional(filter.appKey), .optional(filter.lastReceivedAtMost)])
            }
            if result.count > 0 { total += Int(result.int64(0, 0)) }
        }
        return total
    }

    public func alerts(ids: [Int64]) throws -> [LedgerAlert] {
        // One query for the whole batch: the ids go in as one array.
        let result = try guarded {
            try connection.query(
                LedgerAlert.selectWithPayload + " WHERE a.id = ANY($1::bigint[])",
                [.text("{" + ids.map(String.init).joined(separator: ",") + "}")])
        }
        var byID: [Int64: LedgerAlert] = [:]
        byID.reserveCapacity(ids.count)
        for row in 0..<result.count {
            let alert = try LedgerAlert(row: PostgresRow(result, row), location: location)
            byID[alert.id] = alert
        }
        return ids.compactMap { byID[$0] }
    }

    public func apply(_ records: [SendRecord]) throws -> [AppliedOutcome] {
        let connection = try writable()
        return try guarded {
            do {
                return try apply(records, in: connection)
            } catch {
                _ = try? connection.execute("ROLLBACK")
                throw error
            }
        }
    }

    /// Applies a batch's outcomes in one transaction. Each statement alone would be a round trip, and a
    /// round trip on a busy host costs more than the statement: a batch whose oks were all delivered
    /// (the usual one) is one statement, sent with the transaction's begin and commit in one round
    /// trip; any other takes two for its fence, floors, audit rows and counters (see
    /// `fenceStatement`), plus a statement or two per failed or refused send.
    ///
    /// The commit does not wait for the server to flush its WAL (`synchronous_commit = off`), as the
    /// SQLite ledger's sweep commits with `synchronous = NORMAL`: if the database server itself
    /// crashes, the last of these marks may be lost, and the next run sends those oks again, which
    /// delivery at least once allows. The transaction stays atomic either way.
    private func apply(_ records: [SendRecord], in connection: PostgresConnection) throws -> [AppliedOutcome] {
        if let delivered = Self.deliveredBatchStatement(records) {
            // The usual batch, every ok delivered: all of it in one statement, and one round trip.
            let results = try connection.pipeline([
                ("BEGIN", []), ("SET LOCAL synchronous_commit = off", []), delivered, ("COMMIT", []),
            ])
            let resolved = results[2]
            let resolvedIDs = Set((0..<resolved.count).map { resolved.int64($0, 0) })
            return records.map { resolvedIDs.contains($0.alertID) ? .resolved : .fenced }
        }
        let fence = Self.fenceStatement(records)
        var opening: [(sql: String, values: [PostgresValue])] = [
            ("BEGIN", []), ("SET LOCAL synchronous_commit = off", []),
        ]
        if let fence { opening.append((fence.sql, fence.values)) }
        let opened = try connection.pipeline(opening)
        var fenced: [Int: AppliedOutcome] = [:]
        var floors: [PostgresValue] = []
        if let fence, let result = opened.last {
            let resolvedIDs = Set((0..<result.count).map { result.int64($0, 0) })
            for index in fence.indices {
                let record = records[index]
                if resolvedIDs.contains(record.alertID) {
                    fenced[index] = .resolved
                } else {
                    fenced[index] = .fenced
                    floors += [.integer(record.alertID), .integer(record.timestamp)]
                }
            }
        }
        var outcomes: [AppliedOutcome] = []
        outcomes.reserveCapacity(records.count)
        var counts = OutcomeCounts()
        for (index, record) in records.enumerated() {
            // Failed or refused sends, closes by id, and small batches: a statement or two each.
            let outcome = try fenced[index] ?? applyOutcome(record, in: connection)
            counts.add(outcome, for: record)
            outcomes.append(outcome)
        }
        var closing: [(sql: String, values: [PostgresValue])] = []
        if !floors.isEmpty {
            let floorRows = Self.valuesList(rows: floors.count / 2, columns: 2, types: ["bigint", "bigint"])
            closing.append(
                (
                    """
                    UPDATE alerts AS a SET max_timestamp = GREATEST(a.max_timestamp, b.ts)
                    FROM (VALUES \(floorRows)) AS b(id, ts) WHERE a.id = b.id
                    """, floors
                ))
        }
        closing += Self.resolutionStatements(records, outcomes)
        // One counter update per series and batch, not per alert.
        for (name, labels, value) in counts.series {
            closing.append((Self.addMetricSQL, [.text(name.rawValue), .text(labels.text), .real(value)]))
        }
        closing.append(("COMMIT", []))
        try connection.pipeline(closing)
        return outcomes
    }

    /// One statement for a batch whose oks were all delivered (by `ok` event, each alert once): it
    /// fences them (the alerts whose current event is still the one decided on are resolved, and their
    /// ids returned), raises the floors of the others, writes the audit rows in the batch's order, and
    /// adds the resolved ones to their counters, as the statements of the general case do. Nil for any
    /// other batch, and for one of a single record.
    private static func deliveredBatchStatement(_ records: [SendRecord]) -> (sql: String, values: [PostgresValue])? {
        guard records.count > 1, records.allSatisfy({ $0.kind == .delivered && $0.method == .ok }),
            Set(records.map(\.alertID)).count == records.count
        else { return nil }
        let types = [
            "bigint", "bigint", "bigint", "bigint", "text", "text", "bigint", "bigint", "text", "text", "bigint",
        ]
        var labels: [String: String] = [:]
        var values: [PostgresValue] = []
        values.reserveCapacity(records.count * types.count + 1)
        for (position, record) in records.enumerated() {
            let key = record.appKey + "\u{0}" + record.rule
            let label =
                labels[key]
                ?? MetricLabels([(.appKey, record.appKey), (.rule, record.rule)]).text
            labels[key] = label
            values += [
                .integer(record.alertID), .integer(record.eventID), .integer(record.sentAt), .integer(record.timestamp),
                .text(record.rule), .text(record.reason), .optional(record.httpStatus.map(Int64.init)),
                .integer(Int64(max(1, record.attempts))), .optional(record.error), .text(label),
                .integer(Int64(position)),
            ]
        }
        values.append(.text(MetricName.resolved.rawValue))
        let rows = valuesList(rows: records.count, columns: types.count, types: types)
        let sql = """
            WITH b(id, event_id, sent_at, ts, rule, reason, http_status, attempts, error, labels, position) AS (
                VALUES \(rows)
            ),
            resolved AS (
                UPDATE alerts AS a SET state = 'resolved', resolved_at = b.sent_at, resolved_by = 'ok',
                    rejected_runs = 0, max_timestamp = GREATEST(a.max_timestamp, b.ts)
                FROM b WHERE a.id = b.id AND a.current_event_id = b.event_id AND a.state = 'open'
                RETURNING a.id
            ),
            floors AS (
                UPDATE alerts AS a SET max_timestamp = GREATEST(a.max_timestamp, b.ts)
                FROM b WHERE a.id = b.id AND b.id NOT IN (SELECT id FROM resolved)
            ),
            audit AS (
                INSERT INTO resolutions
                    (alert_id, event_id, sent_at, timestamp, rule, reason, http_status, attempts, outcome, error, method)
                SELECT b.id, b.event_id, b.sent_at, b.ts, b.rule, b.reason, b.http_status, b.attempts,
                    CASE WHEN b.id IN (SELECT id FROM resolved) THEN 'resolved' ELSE 'fenced' END, b.error, 'ok'
                FROM b ORDER BY b.position
            ),
            counted AS (
                INSERT INTO metrics (name, labels, value)
                SELECT $\(values.count)::text, b.labels, count(*) FROM b JOIN resolved USING (id) GROUP BY b.labels
                ON CONFLICT (name, labels) DO UPDATE SET value = metrics.value + excluded.value
            )
            SELECT id FROM resolved
            """
        return (sql, values)
    }

    /// The `UPDATE` that fences the batch's delivered oks (closes by id excepted) at once: each alert
    /// whose current event is still the one decided on is resolved, and its id returned; the others are
    /// fenced and only raise their timestamp floor (a second statement). Nil when it does not apply: fewer
    /// than two such records, or an alert named twice (those go through `applyOutcome`).
    private static func fenceStatement(_ records: [SendRecord]) -> (
        sql: String, values: [PostgresValue], indices: [Int]
    )? {
        let indices = records.indices.filter { records[$0].kind == .delivered && records[$0].method != .id }
        guard indices.count > 1, Set(indices.map { records[$0].alertID }).count == indices.count else { return nil }
        var values: [PostgresValue] = []
        values.reserveCapacity(indices.count * 4)
        for index in indices {
            let record = records[index]
            values += [
                .integer(record.alertID), .integer(record.eventID), .integer(record.sentAt), .integer(record.timestamp),
            ]
        }
        let rows = valuesList(rows: indices.count, columns: 4, types: ["bigint", "bigint", "bigint", "bigint"])
        let sql = """
            UPDATE alerts AS a SET state = 'resolved', resolved_at = b.sent_at, resolved_by = 'ok', rejected_runs = 0,
                max_timestamp = GREATEST(a.max_timestamp, b.ts)
            FROM (VALUES \(rows)) AS b(id, event_id, sent_at, ts)
            WHERE a.id = b.id AND a.current_event_id = b.event_id AND a.state = 'open'
            RETURNING a.id
            """
        return (sql, values, indices)
    }

    /// The statements that write the batch's audit rows, one `INSERT` for up to 200 rows.
    private static func resolutionStatements(_ records: [SendRecord], _ outcomes: [AppliedOutcome]) -> [(
        sql: String, values: [PostgresValue]
    )] {
        let types = [
            "bigint", "bigint", "bigint", "bigint", "text", "text", "bigint", "bigint", "text", "text", "text",
        ]
        var statements: [(sql: String, values: [PostgresValue])] = []
        var start = 0
        while start < records.count {
            let end = min(records.count, start + 200)
            var values: [PostgresValue] = []
            values.reserveCapacity((end - start) * types.count)
            for index in start..<end {
                let record = records[index]
                values += [
                    .integer(record.alertID), .integer(record.eventID), .integer(record.sentAt),
                    .integer(record.timestamp), .text(record.rule), .text(record.reason),
                    .optional(record.httpStatus.map(Int64.init)), .integer(Int64(max(1, record.attempts))),
                    .text(outcomes[index].rawValue), .optional(record.error), .text(record.method.rawValue),
                ]
            }
            statements.append(
                (
                    """
                    INSERT INTO resolutions
                        (alert_id, event_id, sent_at, timestamp, rule, reason, http_status, attempts, outcome, error, method)
                    VALUES \(valuesList(rows: end - start, columns: types.count, types: types))
                    """, values
                ))
            start = end
        }
        return statements
    }

    /// `($1::t1, $2::t2, …), (…)`: a `VALUES` list of numbered parameters, typed so a whole column of
    /// NULLs still has one.
    static func valuesList(rows: Int, columns: Int, types: [String]) -> String {
        (0..<rows).map { row in
            "("
                + (0..<columns).map { column in "$\(row * columns + column + 1)::\(types[column])" }.joined(
                    separator: ", ")
                + ")"
        }.joined(separator: ", ")
    }

    /// Applies one send's outcome. The state changes only if the alert's current event is still the one
    /// decided on (the fence); the timestamp floor rises either way.
    private func applyOutcome(_ record: SendRecord, in connection: PostgresConnection) throws -> AppliedOutcome {
        switch record.kind {
        case .delivered where record.method == .id:
            // A close by id also re-closes drift: an alert resolved before that BigPanda still shows.
            let changed = try connection.query(
                """
                UPDATE alerts SET state = 'resolved', resolved_at = $1, resolved_by = 'id', rejected_runs = 0
                WHERE id = $2 AND current_event_id = $3 AND state IN \(AlertState.sqlList(record.fencedStates))
                """,
                [.integer(record.sentAt), .integer(record.alertID), .integer(record.eventID)]
            ).affected
            return changed == 1 ? .resolved : .fenced
        case .delivered:
            let changed = try connection.query(
                """
                UPDATE alerts SET state = 'resolved', resolved_at = $1, resolved_by = 'ok', rejected_runs = 0,
                    max_timestamp = GREATEST(max_timestamp, $2::bigint)
                WHERE id = $3 AND current_event_id = $4 AND state = 'open'
                """,
                [
                    .integer(record.sentAt), .integer(record.timestamp), .integer(record.alertID),
                    .integer(record.eventID),
                ]
            ).affected
            if changed == 1 { return .resolved }
            try raiseFloor(record, in: connection)
            return .fenced
        case .permanent:
            let changed = try connection.query(
                """
                UPDATE alerts SET rejected_runs = rejected_runs + 1, max_timestamp = GREATEST(max_timestamp, $1::bigint),
                    state = CASE WHEN rejected_runs + 1 >= \(LedgerRules.rejectedAfterRuns) THEN 'rejected' ELSE state END
                WHERE id = $2 AND current_event_id = $3 AND state = 'open'
                RETURNING state
                """,
                [.integer(record.timestamp), .integer(record.alertID), .integer(record.eventID)])
            if changed.count == 1 { return changed.text(0, 0) == AlertState.rejected.rawValue ? .rejected : .failed }
            try raiseFloor(record, in: connection)
            return .failed
        case .failed:
            try raiseFloor(record, in: connection)
            return .failed
        }
    }

    /// Every ok that left raises the timestamp floor for the next one, delivered or not.
    private func raiseFloor(_ record: SendRecord, in connection: PostgresConnection) throws {
        try connection.query(
            "UPDATE alerts SET max_timestamp = GREATEST(max_timestamp, $1::bigint) WHERE id = $2",
            [.integer(record.timestamp), .integer(record.alertID)])
    }

    public func alertsWithPendingForward() throws -> Set<Int64> {
        let result = try guarded {
            try connection.query("SELECT DISTINCT alert_id FROM outbox WHERE state = 'pending'")
        }
        return Set((0..<result.count).map { result.int64($0, 0) })
    }

    public func openSummary() throws -> OpenSummary {
        let result = try guarded {
            try connection.query("SELECT count(*), min(last_received) FROM alerts WHERE state = 'open'")
        }
        guard result.count > 0 else { return OpenSummary(open: 0, oldestLastReceived: nil) }
        return OpenSummary(open: Int(result.int64(0, 0)), oldestLastReceived: result.optionalInt64(0, 1))
    }

    public func recordHolds(_ held: [Int64: String], appKey: String?) throws {
        try writing { connection in
            try connection.query(
                "UPDATE alerts SET held_by = NULL WHERE held_by IS NOT NULL AND ($1::text IS NULL OR app_key = $1::text)",
                [.optional(appKey)])
            guard !held.isEmpty else { return }
            let ids = held.keys.sorted()
            try connection.query(
                """
                UPDATE alerts AS a SET held_by = h.hold
                FROM unnest($1::bigint[], $2::text[]) AS h(id, hold) WHERE a.id = h.id
                """,
                [
                    .text("{" + ids.map(String.init).joined(separator: ",") + "}"),
                    .text("{" + ids.map { "\"\(held[$0] ?? "")\"" }.joined(separator: ",") + "}"),
                ])
        }
    }
}

/// One row of a result, read by column position as the ledger's shared decoding reads it.
struct PostgresRow: LedgerColumns {
    let result: PostgresResult
    let row: Int

    init(_ result: PostgresResult, _ row: Int) {
        self.result = result
        self.row = row
    }

    func int64(_ column: Int) -> Int64 { result.int64(row, column) }
    func text(_ column: Int) -> String { result.text(row, column) }
    func optionalInt64(_ column: Int) -> Int64? { result.optionalInt64(row, column) }
    func optionalText(_ column: Int) -> String? { result.optionalText(row, column) }
}
