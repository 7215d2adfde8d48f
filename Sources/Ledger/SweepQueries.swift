/// What a sweep reads and writes: the alerts to judge, and the outcomes of the `ok` events it sent.
public protocol SweepQueries: LedgerRole {
    /// Calls `body` for each alert matching `filter`, streaming rows in id order.
    func forEachAlert(_ filter: AlertFilter, _ body: (LedgerAlert) throws -> Void) throws

    /// How many alerts match `filter`, without reading them.
    func countAlerts(_ filter: AlertFilter) throws -> Int

    /// The alerts with these ids, in that order (missing ids left out), for building `ok` events in batches.
    func alerts(ids: [Int64]) throws -> [LedgerAlert]

    /// Writes the audit trail for a batch of sends and applies their outcomes, fenced on the event id.
    func apply(_ records: [SendRecord]) throws -> [AppliedOutcome]

    /// The ids of alerts with a forward still pending; a sweep leaves them alone.
    func alertsWithPendingForward() throws -> Set<Int64>

    /// How many alerts are open and the oldest last-received time among them.
    func openSummary() throws -> OpenSummary

    /// Records which alerts the sweep kept for a hold a person set in BigPanda (alert id → hold name), and
    /// clears the hold of every other alert in `appKey`'s scope (nil: all): `list` shows the last sweep's.
    func recordHolds(_ held: [Int64: String], appKey: String?) throws
}
