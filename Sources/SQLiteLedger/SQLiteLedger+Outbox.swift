public import Ledger

extension SQLiteLedger: Outbox {
    public func pendingOutbox(limit: Int) throws -> [OutboxRow] {
        let statement = try database.statement(
            "SELECT id, alert_id, app_key, payload FROM outbox WHERE state = 'pending' ORDER BY id LIMIT ?")
        try statement.bind([.integer(Int64(limit))])
        defer { statement.reset() }
        var rows: [OutboxRow] = []
        while try statement.step() {
            rows.append(
                OutboxRow(
                    id: statement.int64(0), alertID: statement.int64(1), appKey: statement.text(2),
                    payload: statement.text(3)))
        }
        return rows
    }

    /// One relay's forwarder uses an SQLite ledger, so a claim locks nothing.
    public func claimOutbox(limit: Int) throws -> any OutboxClaim {
        try ImmediateOutboxClaim(ledger: self, limit: limit)
    }

    public func completeOutbox(ids: [Int64]) throws {
        let database = try writable()
        // Losing this commit to a power cut only means the rows are sent again (at least once), so it
        // need not wait for the disk; the next synced commit makes it durable too. That keeps the
        // forwarder from adding a disk flush to the relay's ingest path for every batch it delivers.
        try database.execute("PRAGMA synchronous = NORMAL")
        defer {
            try? database.execute(durability == .full ? "PRAGMA synchronous = FULL" : "PRAGMA synchronous = NORMAL")
        }
        try database.transaction {
            for id in ids {
                try database.statement("DELETE FROM outbox WHERE id = ?").run([.integer(id)])
            }
        }
    }

    public func rejectOutbox(id: Int64, error: String) throws {
        let database = try writable()
        try database.statement("UPDATE outbox SET state = 'rejected', error = ? WHERE id = ?").run([
            .text(error), .integer(id),
        ])
    }

    public func outboxCounts() throws -> OutboxCounts {
        let statement = try database.statement(
            "SELECT coalesce(sum(state = 'pending'), 0), coalesce(sum(state = 'rejected'), 0) FROM outbox")
        defer { statement.reset() }
        guard try statement.step() else { return OutboxCounts(pending: 0, rejected: 0) }
        return OutboxCounts(pending: Int(statement.int64(0)), rejected: Int(statement.int64(1)))
    }
}
