public import Ledger

extension SQLiteLedger: HistoryReading {
    public func forEachEvent(since: Int64, _ body: (HistoryEvent) throws -> Void) throws {
        // The (alert_id, received_at) index gives this order without sorting; the event id is the
        // index's own tiebreak, so no temporary B-tree holds the history.
        let statement = try database.statement(
            """
            SELECT alert_id, received_at, status = 'ok', payload FROM events
            WHERE received_at >= ? ORDER BY alert_id, received_at, id
            """)
        try statement.bind([.integer(since)])
        defer { statement.reset() }
        while try statement.step() {
            try body(
                HistoryEvent(
                    alertID: statement.int64(0), receivedAt: statement.int64(1), isOK: statement.int64(2) != 0,
                    payloadText: statement.text(3)))
        }
    }
}
