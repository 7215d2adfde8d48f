/// The ledger: every forwarded event, each alert's state, and every `ok` sent.
///
/// SQLite is the embedded default. A store is used from one task at a time.
public protocol LedgerStore: AnyObject {
    /// Where the ledger lives, for messages.
    var location: String { get }

    /// Records events in one transaction: all of them or none.
    func record(_ events: [IncomingEvent], recordedAt: Int64) throws

    /// Records the events `body` passes to its argument in one transaction, committed only when
    /// `body` returns true; otherwise nothing is written. Returns whether it committed.
    func recordStream(
        recordedAt: Int64,
        _ body: (_ record: (IncomingEvent) throws -> Void) throws -> Bool
    ) throws -> Bool

    /// Calls `body` for each alert matching `filter`, streaming rows in id order.
    func forEachAlert(_ filter: AlertFilter, _ body: (LedgerAlert) throws -> Void) throws

    /// The alerts with these ids, for building `ok` events in batches.
    func alerts(ids: [Int64]) throws -> [LedgerAlert]

    /// Writes the audit trail for a batch of sends and applies their outcomes, fenced on the event id.
    func apply(_ records: [SendRecord]) throws -> [AppliedOutcome]

    /// Takes the sweep claim without waiting, or returns nil when another sweep holds it.
    func claimSweep() throws -> (any SweepClaim)?
}
