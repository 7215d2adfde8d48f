/// One row of a query a backend ran, read by column position.
public protocol LedgerColumns {
    /// An integer column.
    func int64(_ column: Int) -> Int64
    /// A text column.
    func text(_ column: Int) -> String
    /// An integer column that may be NULL.
    func optionalInt64(_ column: Int) -> Int64?
    /// A text column that may be NULL.
    func optionalText(_ column: Int) -> String?
}

extension LedgerAlert {
    /// The select list and join every backend reads an alert with, in the order `init(row:location:)`
    /// reads it: the alert's row and its current event's payload.
    public static let selectWithPayload = """
        SELECT a.id, a.identity, a.display, a.app_key, a.state, a.current_event_id, a.last_received,
               a.max_timestamp, e.payload, a.bigpanda_alert_id, a.adopted, a.resolved_by, a.resolved_at, a.held_by
        FROM alerts a JOIN events e ON e.id = a.current_event_id
        """

    /// The same columns without the payload (an empty text in its place) and so without the join: every
    /// alert's current event exists, so the rows are the same.
    public static let selectWithoutPayload = """
        SELECT a.id, a.identity, a.display, a.app_key, a.state, a.current_event_id, a.last_received,
               a.max_timestamp, '' AS payload, a.bigpanda_alert_id, a.adopted, a.resolved_by, a.resolved_at, a.held_by
        FROM alerts a
        """

    /// Reads an alert from a row of `selectWithPayload` or `selectWithoutPayload`. A state the schema
    /// does not allow is a damaged ledger, never "open": it throws, naming the ledger and the alert.
    public init(row: some LedgerColumns, location: String) throws {
        guard let state = AlertState(rawValue: row.text(4)) else {
            throw LedgerError(
                location: location, message: "alert \(row.int64(0)) has an unknown state \"\(row.text(4))\"")
        }
        self.init(
            id: row.int64(0),
            identityKey: row.text(1),
            display: row.text(2),
            appKey: row.text(3),
            state: state,
            currentEventID: row.int64(5),
            lastReceived: row.int64(6),
            maxTimestamp: row.int64(7),
            payloadText: row.text(8),
            bigPandaAlertID: row.optionalText(9),
            adopted: row.int64(10) != 0,
            resolvedBy: row.optionalText(11).flatMap(ResolvedBy.init(rawValue:)),
            resolvedAt: row.optionalInt64(12),
            heldBy: row.optionalText(13)
        )
    }
}
