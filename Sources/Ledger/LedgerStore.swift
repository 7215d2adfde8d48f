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

    /// The oldest pending outbox rows, in id order.
    func pendingOutbox(limit: Int) throws -> [OutboxRow]

    /// Removes delivered rows from the outbox.
    func completeOutbox(ids: [Int64]) throws

    /// Marks an outbox row as permanently refused, with BigPanda's error text.
    func rejectOutbox(id: Int64, error: String) throws

    /// How many rows are pending and rejected.
    func outboxCounts() throws -> OutboxCounts

    /// The ids of alerts with a forward still pending; a sweep leaves them alone.
    func alertsWithPendingForward() throws -> Set<Int64>

    /// Records a relay heartbeat: the run's first one creates it, later ones move its end.
    func heartbeat(runID: String, at: Int64) throws

    /// Each relay run's first and last heartbeat, in epoch seconds.
    func heartbeatRuns() throws -> [(first: Int64, last: Int64)]

    /// Adds to a counter, or with `set`, stores a gauge.
    func updateMetric(_ name: String, labels: String, value: Double, set: Bool) throws

    /// Every stored metric sample.
    func metricSamples() throws -> [MetricSample]

    /// How many alerts are open and the oldest last-received time among them.
    func openSummary() throws -> OpenSummary

    /// Deletes resolved history received before `cutoff`: old events and `ok` records of alerts that
    /// are not open. Never an open alert, nor any alert's current event. With `dryRun`, only counts.
    func prune(before cutoff: Int64, dryRun: Bool) throws -> PruneResult

    /// Gives freed pages back to the file system: all at once (`VACUUM`, which rewrites the file), or
    /// with `incremental`, only the free pages, cheaply.
    func vacuum(incremental: Bool) throws

    /// Takes the sweep claim without waiting, or returns nil when another sweep holds it.
    func claimSweep() throws -> (any SweepClaim)?
}
