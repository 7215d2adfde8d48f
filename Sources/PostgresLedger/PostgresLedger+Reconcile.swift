import Alerts
public import Ledger
import Postgres

extension PostgresLedger: ReconcileStore {
    public func rememberBigPandaIDs(_ pairs: [(alertID: Int64, bigPandaAlertID: String)]) throws {
        guard !pairs.isEmpty else { return }
        try writing { connection in
            for pair in pairs {
                try connection.query(
                    "UPDATE alerts SET bigpanda_alert_id = $1 WHERE id = $2",
                    [.text(pair.bigPandaAlertID), .integer(pair.alertID)])
            }
        }
    }

    public func adopt(_ adoptions: [Adoption], recordedAt: Int64) throws -> [Int64] {
        guard !adoptions.isEmpty else { return [] }
        return try writing { connection in
            var ids: [Int64] = []
            ids.reserveCapacity(adoptions.count)
            for adoption in adoptions {
                ids.append(try adopt(adoption, recordedAt: recordedAt, in: connection))
            }
            return ids
        }
    }

    private func adopt(_ adoption: Adoption, recordedAt: Int64, in connection: PostgresConnection) throws -> Int64 {
        let key = Adoption.identityKey(adoption.parts)
        var alertID = adoption.existingAlertID
        if alertID == nil {
            let found = try connection.query("SELECT id FROM alerts WHERE identity = $1", [.text(key)])
            if found.count > 0 { alertID = found.int64(0, 0) }
        }
        let display = AlertIdentity(appKey: "", parts: adoption.parts).display
        if alertID == nil {
            let inserted = try connection.query(
                """
                INSERT INTO alerts
                    (identity, app_key, display, state, current_event_id, last_received, max_timestamp,
                     bigpanda_alert_id, adopted)
                VALUES ($1, $2, $3, 'open', 0, $4, $5, $6, 1)
                RETURNING id
                """,
                [
                    .text(key), .text(Adoption.unknownAppKey), .text(display), .integer(adoption.receivedAt),
                    .integer(adoption.receivedAt), .text(adoption.bigPandaAlertID),
                ])
            alertID = inserted.int64(0, 0)
        }
        guard let alertID else { return 0 }
        let eventID = try connection.query(
            """
            INSERT INTO events (alert_id, received_at, recorded_at, status, timestamp, payload)
            VALUES ($1, $2, $3, $4, NULL, $5) RETURNING id
            """,
            [
                .integer(alertID), .integer(adoption.receivedAt), .integer(recordedAt),
                .text(adoption.status.rawValue), .text(adoption.payload.serialized()),
            ]
        ).int64(0, 0)
        // BigPanda shows it active, so it is open whatever the ledger thought; a resolved one starts a
        // new episode. Its last event in BigPanda is its receive time, never moved backwards.
        try connection.query(
            """
            UPDATE alerts SET
                current_event_id = $1, last_received = GREATEST(last_received, $2::bigint),
                max_timestamp = GREATEST(max_timestamp, $2::bigint), bigpanda_alert_id = $3, rejected_runs = 0,
                episode = episode + CASE WHEN state <> 'open' AND current_event_id <> 0 THEN 1 ELSE 0 END,
                state = 'open', resolved_at = NULL, resolved_by = NULL
            WHERE id = $4
            """,
            [.integer(eventID), .integer(adoption.receivedAt), .text(adoption.bigPandaAlertID), .integer(alertID)])
        return alertID
    }

    public func markResolvedInBigPanda(_ alerts: [(alertID: Int64, eventID: Int64)], at: Int64) throws -> Int {
        guard !alerts.isEmpty else { return 0 }
        return try writing { connection in
            var marked = 0
            for alert in alerts {
                marked +=
                    try connection.query(
                        """
                        UPDATE alerts SET state = 'resolved', resolved_at = $1, resolved_by = 'bigpanda', rejected_runs = 0
                        WHERE id = $2 AND current_event_id = $3 AND state = 'open'
                        """,
                        [.integer(at), .integer(alert.alertID), .integer(alert.eventID)]
                    ).affected
            }
            return marked
        }
    }
}
