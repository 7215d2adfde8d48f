public import Ledger
import Postgres

extension PostgresLedger: HistoryReading {
    /// How many events one page of history holds: bounded memory however long the history.
    static let historyPage = 1000

    public func forEachEvent(since: Int64, _ body: (HistoryEvent) throws -> Void) throws {
        // Pages in (alert_id, received_at, id) order, each starting after the last row of the one before.
        var after: (alertID: Int64, receivedAt: Int64, id: Int64) = (.min, .min, .min)
        while true {
            let result = try guarded {
                try connection.query(
                    """
                    SELECT alert_id, received_at, status = 'ok', payload, id FROM events
                    WHERE received_at >= $1 AND (alert_id, received_at, id) > ($2::bigint, $3::bigint, $4::bigint)
                    ORDER BY alert_id, received_at, id LIMIT $5
                    """,
                    [
                        .integer(since), .integer(after.alertID), .integer(after.receivedAt), .integer(after.id),
                        .integer(Int64(Self.historyPage)),
                    ])
            }
            for row in 0..<result.count {
                try body(
                    HistoryEvent(
                        alertID: result.int64(row, 0), receivedAt: result.int64(row, 1), isOK: result.bool(row, 2),
                        payloadText: result.text(row, 3)))
            }
            guard result.count == Self.historyPage else { return }
            let last = result.count - 1
            after = (result.int64(last, 0), result.int64(last, 1), result.int64(last, 4))
        }
    }
}
