/// The relay's outbox: forwards recorded with their events, delivered to BigPanda in order.
public protocol Outbox: LedgerRole {
    /// The oldest pending outbox rows, in id order, whether or not a forwarder holds them.
    func pendingOutbox(limit: Int) throws -> [OutboxRow]

    /// Claims up to `limit` of the oldest pending rows no other forwarder holds, until the claim is
    /// released; forwarders deliver through claims, so no row is in flight at two at once.
    func claimOutbox(limit: Int) throws -> any OutboxClaim

    /// Removes delivered rows from the outbox.
    func completeOutbox(ids: [Int64]) throws

    /// Marks an outbox row as permanently refused, with BigPanda's error text.
    func rejectOutbox(id: Int64, error: String) throws

    /// How many rows are pending and rejected.
    func outboxCounts() throws -> OutboxCounts
}
