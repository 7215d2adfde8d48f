import Ledger
import ResolverMetrics
import Testing

/// The read roles on a store with nothing in it, through a handle that only reads: every backend's,
/// and the empty ledger a read of a missing file gets.
@Suite struct ReadOnlyContractTests {
    @Test(arguments: LedgerBackends.emptyReaders)
    func everyReadIsEmpty(_ reader: EmptyReaderFactory) throws {
        try reader.withReader { ledger in
            var alerts = 0
            try ledger.forEachAlert(AlertFilter(states: [])) { _ in alerts += 1 }
            #expect(alerts == 0)
            #expect(try ledger.alerts(ids: [1, 2]).isEmpty)
            #expect(try ledger.countAlerts(AlertFilter(states: [])) == 0)
            #expect(try ledger.alertsWithPendingForward().isEmpty)
            let summary = try ledger.openSummary()
            #expect(summary.open == 0)
            #expect(summary.oldestLastReceived == nil)
            #expect(try ledger.pendingOutbox(limit: 10).isEmpty)
            #expect(try pendingAndRejected(ledger) == [0, 0])
            #expect(try ledger.heartbeatRuns().isEmpty)
            #expect(try ledger.metricSamples().isEmpty)
            let pruned = try ledger.prune(before: .max, dryRun: true)
            #expect(pruned.events == 0)
            #expect(pruned.resolutions == 0)
            #expect(try ledger.cachedDefinitions(account: LogzioAccountKey.topLevel) == nil)
            #expect(try ledger.everListedDefinitionIDs(account: LogzioAccountKey.topLevel).isEmpty)
            var events = 0
            try ledger.forEachEvent(since: 0) { _ in events += 1 }
            #expect(events == 0)
            // Nothing to reconcile writes nothing, so even a read-only ledger accepts it.
            try ledger.rememberBigPandaIDs([])
            #expect(try ledger.adopt([], recordedAt: 1).isEmpty)
            #expect(try ledger.markResolvedInBigPanda([], at: 1) == 0)
        }
    }

    @Test(arguments: LedgerBackends.emptyReaders)
    func everyWriteIsRefused(_ reader: EmptyReaderFactory) throws {
        try reader.withReader { ledger in
            let writes: [(String, () throws -> Void)] = [
                ("record", { try ledger.record([try event("critical", at: 1)], recordedAt: 1) }),
                ("recordStream", { _ = try ledger.recordStream(recordedAt: 1) { _ in true } }),
                ("apply", { _ = try ledger.apply([]) }),
                ("completeOutbox", { try ledger.completeOutbox(ids: [1]) }),
                ("rejectOutbox", { try ledger.rejectOutbox(id: 1, error: "e") }),
                ("heartbeat", { try ledger.heartbeat(runID: "r", at: 1) }),
                ("add", { try ledger.add(to: MetricName(stored: "c"), labels: .none, value: 1) }),
                ("set", { try ledger.set(gauge: MetricName(stored: "g"), labels: .none, value: 1) }),
                ("prune", { _ = try ledger.prune(before: 1, dryRun: false) }),
                ("vacuum", { try ledger.vacuum(incremental: true) }),
                ("storeDefinitions", { try ledger.storeDefinitions("[]", ids: [], fetchedAt: 1, account: "") }),
                ("markResolvedInBigPanda", { _ = try ledger.markResolvedInBigPanda([(1, 1)], at: 1) }),
            ]
            for (name, write) in writes {
                #expect(throws: LedgerError.self, "\(name)") { try write() }
            }
        }
    }
}
