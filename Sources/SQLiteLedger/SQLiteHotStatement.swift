import Ledger

/// The statements a sweep runs once per alert, prepared once per connection and kept by case, so a
/// call does not hash the SQL text to find them.
enum SQLiteHotStatement: Int, CaseIterable {
    /// The fence for a delivered `ok`: resolved only if its current event is still the one decided on.
    case resolveDelivered
    /// The timestamp floor, raised by every `ok` that left.
    case raiseFloor
    /// One audit row.
    case insertResolution
    /// `resolutionChunk` audit rows in one statement.
    case insertResolutions

    /// How many audit rows `insertResolutions` writes.
    static let resolutionChunk = 25

    /// The columns of an audit row, in binding order.
    static let resolutionColumns = """
        INSERT INTO resolutions
            (alert_id, event_id, sent_at, timestamp, rule, reason, http_status, attempts, outcome, error, method)
        VALUES
        """

    /// The statement's SQL.
    var sql: String {
        switch self {
        case .resolveDelivered:
            """
            UPDATE alerts SET state = 'resolved', resolved_at = ?1, resolved_by = 'ok', rejected_runs = 0,
                max_timestamp = max(max_timestamp, ?2)
            WHERE id = ?3 AND current_event_id = ?4 AND state = 'open'
            """
        case .raiseFloor:
            "UPDATE alerts SET max_timestamp = max(max_timestamp, ?) WHERE id = ?"
        case .insertResolution:
            Self.resolutionColumns + " (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
        case .insertResolutions:
            Self.resolutionColumns
                + Array(repeating: " (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", count: Self.resolutionChunk)
                .joined(separator: ",")
        }
    }
}
