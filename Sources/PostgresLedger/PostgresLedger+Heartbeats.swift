public import Ledger
import Postgres

extension PostgresLedger: Heartbeats {
    public func heartbeat(runID: String, at: Int64) throws {
        try writing { connection in
            try connection.query(
                """
                INSERT INTO heartbeats (run_id, first_at, last_at) VALUES ($1, $2, $2)
                ON CONFLICT (run_id) DO UPDATE SET last_at = GREATEST(heartbeats.last_at, excluded.last_at)
                """,
                [.text(runID), .integer(at)])
        }
    }

    public func heartbeatRuns() throws -> [(first: Int64, last: Int64)] {
        let result = try guarded { try connection.query("SELECT first_at, last_at FROM heartbeats ORDER BY first_at") }
        return (0..<result.count).map { (result.int64($0, 0), result.int64($0, 1)) }
    }
}
