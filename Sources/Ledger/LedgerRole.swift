/// What every role of the ledger shares: where it lives, for messages.
///
/// A ledger is used from one task at a time.
public protocol LedgerRole: AnyObject {
    /// Where the ledger lives, for messages.
    var location: String { get }
}
