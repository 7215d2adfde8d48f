/// A claim on a ledger one forwarder uses alone (SQLite, an empty ledger): its rows are the oldest
/// pending ones, completing or rejecting one writes at once, and releasing it does nothing.
public final class ImmediateOutboxClaim: OutboxClaim, @unchecked Sendable {
    // Used only from the task that uses the ledger, as the ledger is.
    private let ledger: any Outbox
    public let rows: [OutboxRow]

    /// Claims up to `limit` of the oldest pending rows of `ledger`.
    public init(ledger: any Outbox, limit: Int) throws {
        self.ledger = ledger
        rows = try ledger.pendingOutbox(limit: limit)
    }

    public func complete(ids: [Int64]) throws { try ledger.completeOutbox(ids: ids) }

    public func reject(id: Int64, error: String) throws { try ledger.rejectOutbox(id: id, error: error) }

    public func release() throws {}
}
