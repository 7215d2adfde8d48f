/// Outbox rows one forwarder holds while it delivers them: no other forwarder takes them until the
/// claim is released, and a claim whose holder dies is released with its connection.
///
/// A claim is used from the task that uses its ledger, like the ledger itself.
public protocol OutboxClaim: AnyObject, Sendable {
    /// The claimed rows, oldest first. Rows of an alert whose older row another forwarder holds are
    /// left out, so each alert's events are delivered in order.
    var rows: [OutboxRow] { get }

    /// Removes delivered rows from the outbox; kept once the claim is released.
    func complete(ids: [Int64]) throws

    /// Marks a row as permanently refused, with BigPanda's error text; kept once the claim is released.
    func reject(id: Int64, error: String) throws

    /// Ends the claim: keeps what was completed or rejected and frees the other rows for any forwarder.
    func release() throws
}
