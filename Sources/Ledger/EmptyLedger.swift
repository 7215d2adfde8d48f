public import ResolverMetrics

/// A ledger with nothing in it that cannot be written: what a read of a ledger file that does not
/// exist yet sees. Every read is empty; every write throws, as on a ledger opened read only.
public final class EmptyLedger: LedgerBackend {
    public let location: String

    /// Creates an empty ledger that names `location` in messages.
    public init(location: String) {
        self.location = location
    }

    private func readOnly() -> LedgerError {
        LedgerError(location: location, message: "the ledger was opened read only")
    }

    public func record(_ events: [IncomingEvent], recordedAt: Int64) throws { throw readOnly() }

    public func recordStream(
        recordedAt: Int64,
        _ body: (_ record: (IncomingEvent) throws -> Void) throws -> Bool
    ) throws -> Bool { throw readOnly() }

    public func forEachAlert(_ filter: AlertFilter, _ body: (LedgerAlert) throws -> Void) throws {}

    public func countAlerts(_ filter: AlertFilter) throws -> Int { 0 }

    public func alerts(ids: [Int64]) throws -> [LedgerAlert] { [] }

    public func apply(_ records: [SendRecord]) throws -> [AppliedOutcome] { throw readOnly() }

    public func alertsWithPendingForward() throws -> Set<Int64> { [] }

    public func openSummary() throws -> OpenSummary { OpenSummary(open: 0, oldestLastReceived: nil) }

    public func recordHolds(_ held: [Int64: String], appKey: String?) throws { throw readOnly() }

    public func pendingOutbox(limit: Int) throws -> [OutboxRow] { [] }

    public func claimOutbox(limit: Int) throws -> any OutboxClaim {
        try ImmediateOutboxClaim(ledger: self, limit: limit)
    }

    public func completeOutbox(ids: [Int64]) throws { throw readOnly() }

    public func rejectOutbox(id: Int64, error: String) throws { throw readOnly() }

    public func outboxCounts() throws -> OutboxCounts { OutboxCounts(pending: 0, rejected: 0) }

    public func heartbeat(runID: String, at: Int64) throws { throw readOnly() }

    public func heartbeatRuns() throws -> [(first: Int64, last: Int64)] { [] }

    public func add(to name: MetricName, labels: MetricLabels, value: Double) throws { throw readOnly() }

    public func set(gauge name: MetricName, labels: MetricLabels, value: Double) throws { throw readOnly() }

    public func metricSamples() throws -> [MetricSample] { [] }

    public func prune(before cutoff: Int64, dryRun: Bool) throws -> PruneResult {
        guard dryRun else { throw readOnly() }
        return PruneResult(events: 0, resolutions: 0)
    }

    public func vacuum(incremental: Bool) throws { throw readOnly() }

    /// Throws: only a sweep that sends claims, and it cannot write here.
    public func claimSweep() throws -> (any SweepClaim)? { throw readOnly() }

    // As on the SQLite ledger, nothing to reconcile writes nothing, so it does not throw.

    public func rememberBigPandaIDs(_ pairs: [(alertID: Int64, bigPandaAlertID: String)]) throws {
        guard pairs.isEmpty else { throw readOnly() }
    }

    public func adopt(_ adoptions: [Adoption], recordedAt: Int64) throws -> [Int64] {
        guard adoptions.isEmpty else { throw readOnly() }
        return []
    }

    public func markResolvedInBigPanda(_ alerts: [(alertID: Int64, eventID: Int64)], at: Int64) throws -> Int {
        guard alerts.isEmpty else { throw readOnly() }
        return 0
    }

    public func storeDefinitions(_ text: String, ids: [Int64], fetchedAt: Int64, account: String) throws {
        throw readOnly()
    }

    public func cachedDefinitions(account: String) throws -> (text: String, fetchedAt: Int64)? { nil }

    public func everListedDefinitionIDs(account: String) throws -> Set<Int64> { [] }

    public func forEachEvent(since: Int64, _ body: (HistoryEvent) throws -> Void) throws {}
}
