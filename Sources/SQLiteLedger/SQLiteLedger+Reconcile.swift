import Alerts
public import Ledger

extension SQLiteLedger: ReconcileStore {
    public func rememberBigPandaIDs(_ pairs: [(alertID: Int64, bigPandaAlertID: String)]) throws {
        guard !pairs.isEmpty else { return }
        let database = try writable()
        try database.transaction {
            for pair in pairs {
                try database.statement("UPDATE alerts SET bigpanda_alert_id = ? WHERE id = ?")
                    .run([.text(pair.bigPandaAlertID), .integer(pair.alertID)])
            }
        }
    }

    public func adopt(_ adoptions: [Adoption], recordedAt: Int64) throws -> [Int64] {
        guard !adoptions.isEmpty else { return [] }
        let database = try writable()
        return try database.transaction {
            var ids: [Int64] = []
            ids.reserveCapacity(adoptions.count)
            for adoption in adoptions {
                ids.append(try adopt(adoption, recordedAt: recordedAt, in: database))
            }
            return ids
        }
    }

    private func adopt(_ adoption: Adoption, recordedAt: Int64, in database: SQLiteDatabase) throws -> Int64 {
        let key = Adoption.identityKey(adoption.parts)
        var alertID = adoption.existingAlertID
        if alertID == nil {
            let find = try database.statement("SELECT id FROM alerts WHERE identity = ?")
            try find.bind([.text(key)])
            if try find.step() { alertID = find.int64(0) }
            find.reset()
        }
        let display = AlertIdentity(appKey: "", parts: adoption.parts).display
        if alertID == nil {
            try database.statement(
                """
                INSERT INTO alerts
                    (identity, app_key, display, state, current_event_id, last_received, max_timestamp,
                     bigpanda_alert_id, adopted)
                VALUES (?, ?, ?, 'open', 0, ?, ?, ?, 1)
                """
            ).run([
                .text(key), .text(Adoption.unknownAppKey), .text(display), .integer(adoption.receivedAt),
                .integer(adoption.receivedAt), .text(adoption.bigPandaAlertID),
            ])
            alertID = database.lastInsertRowID
        }
        guard let alertID else { return 0 }
        try database.statement(
            """
            INSERT INTO events (alert_id, received_at, recorded_at, status, timestamp, payload)
            VALUES (?, ?, ?, ?, NULL, ?)
            """
        ).run([
            .integer(alertID), .integer(adoption.receivedAt), .integer(recordedAt), .text(adoption.status.rawValue),
            .text(adoption.payload.serialized()),
        ])
        let eventID = database.lastInsertRowID
        // BigPanda shows it active, so it is open whatever the ledger thought; a resolved one starts a
        // new episode. Its last event in BigPanda is its receive time, never moved backwards.
        try database.statement(
            """
            UPDATE alerts SET
                current_event_id = ?1, last_received = max(last_received, ?2),
                max_timestamp = max(max_timestamp, ?2), bigpanda_alert_id = ?3, rejected_runs = 0,
                episode = episode + CASE WHEN state <> 'open' AND current_event_id <> 0 THEN 1 ELSE 0 END,
                state = 'open', resolved_at = NULL, resolved_by = NULL
            WHERE id = ?4
            """
        ).run([.integer(eventID), .integer(adoption.receivedAt), .text(adoption.bigPandaAlertID), .integer(alertID)])
        return alertID
    }

    public func markResolvedInBigPanda(_ alerts: [(alertID: Int64, eventID: Int64)], at: Int64) throws -> Int {
        guard !alerts.isEmpty else { return 0 }
        let database = try writable()
        return try database.transaction {
            var marked = 0
            for alert in alerts {
                try database.statement(
                    """
                    UPDATE alerts SET state = 'resolved', resolved_at = ?1, resolved_by = 'bigpanda', rejected_runs = 0
                    WHERE id = ?2 AND current_event_id = ?3 AND state = 'open'
                    """
                ).run([.integer(at), .integer(alert.alertID), .integer(alert.eventID)])
                marked += database.changes
            }
            return marked
        }
    }
}
