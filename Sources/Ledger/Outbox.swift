/// The relay's outbox: forwards recorded with their events, delivered to BigPanda in order.
public protocol Outbox: LedgerRole {
    /// The oldest pending outbox rows, in id order.
    func pendingOutbox(limit: Int) throws -> [OutboxRow]

    /// Removes delivered rows from the outbox.
    func completeOutbox(ids: [Int64]) throws

    /// Marks an outbox row as permanently refused, with BigPanda's error text.
    func rejectOutbox(id: Int64, error: String) throws

    /// How many rows are pending and rejected.
    func outboxCounts() throws -> OutboxCounts
}
