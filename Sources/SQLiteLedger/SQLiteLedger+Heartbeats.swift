public import Ledger

extension SQLiteLedger: Heartbeats {
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
        let statement = try database.statement("SELECT first_at, last_at FROM heartbeats ORDER BY first_at")
        defer { statement.reset() }
        var runs: [(first: Int64, last: Int64)] = []
        while try statement.step() { runs.append((statement.int64(0), statement.int64(1))) }
        return runs
    }
}
