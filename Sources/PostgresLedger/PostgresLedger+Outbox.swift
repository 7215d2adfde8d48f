public import Ledger
import Postgres

extension PostgresLedger: Outbox {
    public func pendingOutbox(limit: Int) throws -> [OutboxRow] {
        let result = try guarded {
            try connection.query(
                "SELECT id, alert_id, app_key, payload FROM outbox WHERE state = 'pending' ORDER BY id LIMIT $1",
                [.integer(Int64(limit))])
        }
        return (0..<result.count).map { row in
            OutboxRow(
                id: result.int64(row, 0), alertID: result.int64(row, 1), appKey: result.text(row, 2),
                payload: result.text(row, 3))
        }
    }

    public func completeOutbox(ids: [Int64]) throws {
        try writing { connection in
            for id in ids { try connection.query("DELETE FROM outbox WHERE id = $1", [.integer(id)]) }
        }
    }

    public func rejectOutbox(id: Int64, error: String) throws {
        try writing { connection in
            try connection.query(
                "UPDATE outbox SET state = 'rejected', error = $1 WHERE id = $2", [.text(error), .integer(id)])
        }
    }

    public func outboxCounts() throws -> OutboxCounts {
        let result = try guarded {
            try connection.query(
                """
                SELECT count(*) FILTER (WHERE state = 'pending'), count(*) FILTER (WHERE state = 'rejected')
                FROM outbox
                """)
        }
        return OutboxCounts(pending: Int(result.int64(0, 0)), rejected: Int(result.int64(0, 1)))
    }
}
