import Alerts
public import Ledger
import Postgres
import ResolverMetrics

extension PostgresLedger: AlertRecording {
    public func record(_ events: [IncomingEvent], recordedAt: Int64) throws {
        try writing { connection in
            // One event (the relay's usual request) takes the fewest round trips one at a time; more go
            // through a batch, which writes each alert's row once.
            guard events.count > 1 else {
                for event in events { try record(event, recordedAt: recordedAt, in: connection) }
                return
            }
            let batch = PostgresRecordBatch(
                connection: connection, recordedAt: recordedAt, location: location, limits: recordBatchLimits)
            for event in events { try batch.add(event) }
            try batch.finish { try record($0, recordedAt: recordedAt, in: connection) }
        }
    }

    public func recordStream(
        recordedAt: Int64,
        _ body: (_ record: (IncomingEvent) throws -> Void) throws -> Bool
    ) throws -> Bool {
        struct Discard: Error {}
        let written: (events: Int, alertRows: Int)
        do {
            written = try writing { connection in
                let batch = PostgresRecordBatch(
                    connection: connection, recordedAt: recordedAt, location: location, limits: recordBatchLimits)
                let commit = try body { event in try batch.add(event) }
                if !commit { throw Discard() }
                try batch.finish { try record($0, recordedAt: recordedAt, in: connection) }
                return (batch.recorded, batch.alertRowsWritten)
            }
        } catch is Discard {
            return false
        }
        if written.events >= Self.bulkRecordSize { tidyAfterBulkRecord(alertRowsWritten: written.alertRows) }
        return true
    }

    /// How many events make a bulk record, after which the alerts' statistics may need a refresh.
    static let bulkRecordSize = 1000

    /// After a bulk record (an import) has committed: `VACUUM (ANALYZE) alerts`, so the planner knows
    /// how many alerts are open and how old they are, and the sweep's scans of the open alerts read
    /// neither the rows the import replaced nor, for a count, the table. Autovacuum would get there
    /// too, but a minute or more later, and a sweep right after an import would pay for it.
    ///
    /// Only when the record wrote at least a tenth of the alerts' rows (or the table was never
    /// analyzed), as autovacuum's own threshold: a relay's group commit into a large ledger never waits
    /// for it, and its cost stays in proportion to the record's. It needs the table's owner; for
    /// another user, or when it fails, nothing is said and nothing changes.
    func tidyAfterBulkRecord(alertRowsWritten: Int) {
        guard let estimate = try? connection.query("SELECT reltuples FROM pg_class WHERE oid = 'alerts'::regclass"),
            estimate.count == 1, estimate.double(0, 0) < 0 || Double(alertRowsWritten) >= estimate.double(0, 0) / 10
        else { return }
        guard (try? connection.execute("SET client_min_messages = error")) != nil else { return }
        _ = try? connection.execute("VACUUM (ANALYZE) alerts")
        _ = try? connection.execute("SET client_min_messages = warning")
    }

    private func record(_ event: IncomingEvent, recordedAt: Int64, in connection: PostgresConnection) throws {
        let alert = event.alert
        let key = alert.identity.key
        let stamp = alert.timestamp ?? event.receivedAt
        let isOK = alert.status == .ok
        // FOR UPDATE: two relays recording the same alert at once take turns on its row.
        let find = "SELECT id, state, last_received FROM alerts WHERE identity = $1 FOR UPDATE"
        var existing: (id: Int64, state: String, lastReceived: Int64)?
        let found = try connection.query(find, [.text(key)])
        if found.count > 0 { existing = (found.int64(0, 0), found.text(0, 1), found.int64(0, 2)) }
        if existing == nil {
            // An alert adopted from BigPanda has no app key; the first event from the relay with the
            // same identity makes it an ordinary alert, closed by `ok` from then on.
            let adopted = try connection.query(find, [.text(Adoption.identityKey(alert.identity.parts))])
            if adopted.count > 0 {
                existing = (adopted.int64(0, 0), adopted.text(0, 1), adopted.int64(0, 2))
                try connection.query(
                    "UPDATE alerts SET identity = $1, app_key = $2, display = $3, adopted = 0 WHERE id = $4",
                    [
                        .text(key), .text(alert.identity.appKey), .text(alert.identity.display),
                        .integer(adopted.int64(0, 0)),
                    ])
            }
        }

        if existing == nil {
            let first = LedgerRules.recording(isOK: isOK, receivedAt: event.receivedAt, existing: nil)
            let inserted = try connection.query(
                """
                INSERT INTO alerts
                    (identity, app_key, display, state, current_event_id, last_received, max_timestamp,
                     resolved_at, resolved_by)
                VALUES ($1, $2, $3, $4, 0, $5, $6, $7, $8)
                ON CONFLICT (identity) DO NOTHING
                RETURNING id
                """,
                [
                    .text(key), .text(alert.identity.appKey), .text(alert.identity.display),
                    .text(first.state.rawValue), .integer(event.receivedAt), .integer(stamp),
                    .optional(first.resolved?.at), .optional(first.resolved?.by.rawValue),
                ])
            if inserted.count == 1 {
                try recordNew(event, alertID: inserted.int64(0, 0), recordedAt: recordedAt, in: connection)
                return
            }
            // Another relay recorded the alert's first event meanwhile (the INSERT waited for its
            // commit): this event goes onto that alert like any later one.
            let again = try connection.query(find, [.text(key)])
            guard again.count > 0 else {
                throw LedgerError(
                    location: location, message: "alert \(alert.identity.display) vanished while recording")
            }
            existing = (again.int64(0, 0), again.text(0, 1), again.int64(0, 2))
        }
        guard let existing else { return }
        let alertID = existing.id
        let eventID = try insertEvent(event, alertID: alertID, recordedAt: recordedAt, in: connection)

        guard let state = AlertState(rawValue: existing.state) else {
            throw LedgerError(
                location: location, message: "alert \(alertID) has an unknown state \"\(existing.state)\"")
        }
        let recording = LedgerRules.recording(
            isOK: isOK, receivedAt: event.receivedAt, existing: (state, existing.lastReceived))
        if recording.mayRefire {
            try countRefire(alertID: alertID, receivedAt: event.receivedAt, in: connection)
        }
        if recording.becomesCurrent {
            try connection.query(
                """
                UPDATE alerts SET
                    current_event_id = $1, last_received = $2::bigint,
                    max_timestamp = GREATEST(max_timestamp, $3::bigint), rejected_runs = 0,
                    episode = episode + $4::integer, resolved_at = $5::bigint, resolved_by = $6::text,
                    state = $7::text
                WHERE id = $8
                """,
                [
                    .integer(eventID), .integer(event.receivedAt), .integer(stamp),
                    .integer(recording.opensEpisode ? 1 : 0), .optional(recording.resolved?.at),
                    .optional(recording.resolved?.by.rawValue), .text(recording.state.rawValue), .integer(alertID),
                ])
        } else {
            // An older event recorded late is history; it only raises the timestamp floor.
            try connection.query(
                "UPDATE alerts SET max_timestamp = GREATEST(max_timestamp, $1::bigint) WHERE id = $2",
                [.integer(stamp), .integer(alertID)])
        }
    }

    /// Inserts the event, and its forward into the outbox when it has one; returns the event id.
    private func insertEvent(
        _ event: IncomingEvent, alertID: Int64, recordedAt: Int64, in connection: PostgresConnection
    ) throws -> Int64 {
        let eventID = try connection.query(
            """
            INSERT INTO events (alert_id, received_at, recorded_at, status, timestamp, payload)
            VALUES ($1, $2, $3, $4, $5, $6) RETURNING id
            """,
            [
                .integer(alertID), .integer(event.receivedAt), .integer(recordedAt), .text(event.alert.status.rawValue),
                .optional(event.alert.timestamp), .text(event.alert.payload.serialized()),
            ]
        ).int64(0, 0)
        if let forward = event.forward {
            try connection.query(
                "INSERT INTO outbox (alert_id, event_id, app_key, payload, created_at) VALUES ($1, $2, $3, $4, $5)",
                [
                    .integer(alertID), .integer(eventID), .text(event.alert.identity.appKey), .text(forward),
                    .integer(recordedAt),
                ])
        }
        return eventID
    }

    /// Records the first event of an alert just inserted: it is the current one.
    private func recordNew(
        _ event: IncomingEvent, alertID: Int64, recordedAt: Int64, in connection: PostgresConnection
    ) throws {
        let eventID = try insertEvent(event, alertID: alertID, recordedAt: recordedAt, in: connection)
        try connection.query(
            "UPDATE alerts SET current_event_id = $1 WHERE id = $2", [.integer(eventID), .integer(alertID)])
    }

    /// Counts a non-ok event that arrived within 1 h after one of our oks was accepted.
    private func countRefire(alertID: Int64, receivedAt: Int64, in connection: PostgresConnection) throws {
        let last = try connection.query(
            "SELECT rule, sent_at FROM resolutions WHERE alert_id = $1 AND outcome = 'resolved' ORDER BY id DESC LIMIT 1",
            [.integer(alertID)])
        guard last.count > 0 else { return }
        let rule = last.text(0, 0)
        let sentAt = last.int64(0, 1)
        guard LedgerRules.isRefire(receivedAt: receivedAt, afterOKSentAt: sentAt) else { return }
        try addMetric(
            MetricName.refired, labels: MetricLabels([(.rule, rule)]), value: 1, in: connection)
    }
}
