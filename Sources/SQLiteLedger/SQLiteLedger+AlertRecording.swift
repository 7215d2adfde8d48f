import Alerts
public import Ledger
import ResolverMetrics

extension SQLiteLedger: AlertRecording {
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
        var existing: (id: Int64, state: AlertState, lastReceived: Int64)?
        defer { find.reset() }
        func read() throws -> (id: Int64, state: AlertState, lastReceived: Int64) {
            guard let state = AlertState(rawValue: find.text(1)) else {
                throw LedgerError(
                    location: location, message: "alert \(find.int64(0)) has an unknown state \"\(find.text(1))\"")
            }
            return (find.int64(0), state, find.int64(2))
        }
        if try find.step() { existing = try read() }
        find.reset()
        if existing == nil {
            // An alert adopted from BigPanda has no app key; the first event from the relay with the
            // same identity makes it an ordinary alert, closed by `ok` from then on.
            try find.bind([.text(Adoption.identityKey(alert.identity.parts))])
            if try find.step() {
                existing = try read()
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

        let recording = LedgerRules.recording(
            isOK: isOK, receivedAt: event.receivedAt, existing: existing.map { ($0.state, $0.lastReceived) })
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
                .text(recording.state.rawValue),
                .integer(event.receivedAt), .integer(stamp), .optional(recording.resolved?.at),
                .optional(recording.resolved?.by.rawValue),
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

        guard existing != nil else {
            try database.statement("UPDATE alerts SET current_event_id = ? WHERE id = ?")
                .run([.integer(eventID), .integer(alertID)])
            return
        }
        if recording.mayRefire {
            try countRefire(alertID: alertID, receivedAt: event.receivedAt, in: database)
        }
        if recording.becomesCurrent {
            try database.statement(
                """
                UPDATE alerts SET
                    current_event_id = ?1, last_received = ?2, max_timestamp = max(max_timestamp, ?3),
                    rejected_runs = 0, episode = episode + ?4, resolved_at = ?5, resolved_by = ?6, state = ?7
                WHERE id = ?8
                """
            ).run([
                .integer(eventID), .integer(event.receivedAt), .integer(stamp),
                .integer(recording.opensEpisode ? 1 : 0),
                .optional(recording.resolved?.at), .optional(recording.resolved?.by.rawValue),
                .text(recording.state.rawValue), .integer(alertID),
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
        guard LedgerRules.isRefire(receivedAt: receivedAt, afterOKSentAt: sentAt) else { return }
        try addMetric(
            MetricName.refired, labels: MetricLabels([(.rule, rule)]), value: 1, in: database)
    }
}
