public import Ledger
import Postgres

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
        try writing { connection in
            // Each statement is a round trip to the server: a batch's delivered oks are fenced in one
            // statement, and its audit rows written in one, instead of two per alert.
            let fenced = try fenceDelivered(records, in: connection)
            var outcomes: [AppliedOutcome] = []
            outcomes.reserveCapacity(records.count)
            var counts = OutcomeCounts()
            for (index, record) in records.enumerated() {
                let outcome = try fenced[index] ?? applyOutcome(record, in: connection)
                counts.add(outcome, for: record)
                outcomes.append(outcome)
            }
            try insertResolutions(records, outcomes, in: connection)
            // One counter update per series and batch, not per alert.
            for (name, labels, value) in counts.series {
                try addMetric(name, labels: labels, value: value, in: connection)
            }
            return outcomes
        }
    }

    /// Fences the batch's delivered oks (closes by id excepted) in one `UPDATE`: each alert whose current
    /// event is still the one decided on is resolved; the others only raise their timestamp floor, in one
    /// more statement. Returns the outcome by record index; nil for records it did not handle (fewer than
    /// two, or an alert named twice, are left to `applyOutcome`).
    private func fenceDelivered(_ records: [SendRecord], in connection: PostgresConnection) throws -> [Int:
        AppliedOutcome]
    {
        let indices = records.indices.filter { records[$0].kind == .delivered && records[$0].method != .id }
        guard indices.count > 1, Set(indices.map { records[$0].alertID }).count == indices.count else { return [:] }
        var values: [PostgresValue] = []
        values.reserveCapacity(indices.count * 4)
        for index in indices {
            let record = records[index]
            values += [
                .integer(record.alertID), .integer(record.eventID), .integer(record.sentAt), .integer(record.timestamp),
            ]
        }
        let rows = Self.valuesList(rows: indices.count, columns: 4, types: ["bigint", "bigint", "bigint", "bigint"])
        let resolved = try connection.query(
            """
            UPDATE alerts AS a SET state = 'resolved', resolved_at = b.sent_at, resolved_by = 'ok', rejected_runs = 0,
                max_timestamp = GREATEST(a.max_timestamp, b.ts)
            FROM (VALUES \(rows)) AS b(id, event_id, sent_at, ts)
            WHERE a.id = b.id AND a.current_event_id = b.event_id AND a.state = 'open'
            RETURNING a.id
            """, values)
        let resolvedIDs = Set((0..<resolved.count).map { resolved.int64($0, 0) })
        var outcomes: [Int: AppliedOutcome] = [:]
        var floors: [PostgresValue] = []
        for index in indices {
            let record = records[index]
            if resolvedIDs.contains(record.alertID) {
                outcomes[index] = .resolved
            } else {
                outcomes[index] = .fenced
                floors += [.integer(record.alertID), .integer(record.timestamp)]
            }
        }
        if !floors.isEmpty {
            let floorRows = Self.valuesList(rows: floors.count / 2, columns: 2, types: ["bigint", "bigint"])
            try connection.query(
                """
                UPDATE alerts AS a SET max_timestamp = GREATEST(a.max_timestamp, b.ts)
                FROM (VALUES \(floorRows)) AS b(id, ts) WHERE a.id = b.id
                """, floors)
        }
        return outcomes
    }

    /// Writes the batch's audit rows, one `INSERT` for up to 200 rows.
    private func insertResolutions(
        _ records: [SendRecord], _ outcomes: [AppliedOutcome], in connection: PostgresConnection
    ) throws {
        let types = [
            "bigint", "bigint", "bigint", "bigint", "text", "text", "bigint", "bigint", "text", "text", "text",
        ]
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
            try connection.query(
                """
                INSERT INTO resolutions
                    (alert_id, event_id, sent_at, timestamp, rule, reason, http_status, attempts, outcome, error, method)
                VALUES \(Self.valuesList(rows: end - start, columns: types.count, types: types))
                """, values)
            start = end
        }
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
                WHERE id = $2 AND current_event_id = $3 AND state IN ('open', 'resolved')
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
                    state = CASE WHEN rejected_runs + 1 >= 3 THEN 'rejected' ELSE state END
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
