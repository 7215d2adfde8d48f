import Ledger
import ResolverMetrics
import Staleness
import Testing

/// The contract of `Outbox`, `Heartbeats` and `Counters`, run against every backend.
@Suite struct RelayRolesContractTests {
    @Test(arguments: LedgerBackends.all)
    func outboxDeliversInOrderAndCompletesOrRejects(_ backend: LedgerBackendFactory) throws {
        try backend.withFresh { fresh in
            let ledger = fresh.ledger
            try ledger.record(
                [
                    try event("critical", host: "a", at: 1, forward: "first"),
                    try event("critical", host: "b", at: 2, forward: "second"),
                    try event("critical", host: "c", at: 3),
                ], recordedAt: 3)
            try ledger.record([try event("critical", host: "a", at: 4, forward: "third")], recordedAt: 4)
            let rows = try ledger.pendingOutbox(limit: 10)
            #expect(rows.map(\.payload) == ["first", "second", "third"])
            #expect(rows.map(\.id) == rows.map(\.id).sorted())
            #expect(rows.allSatisfy { $0.appKey == "k" })
            #expect(try ledger.pendingOutbox(limit: 2).map(\.payload) == ["first", "second"])
            #expect(try pendingAndRejected(ledger) == [3, 0])

            try ledger.completeOutbox(ids: [rows[0].id])
            try ledger.rejectOutbox(id: rows[1].id, error: "400 bad")
            #expect(try ledger.pendingOutbox(limit: 10).map(\.payload) == ["third"])
            #expect(try pendingAndRejected(ledger) == [1, 1])
            #expect(try ledger.alertsWithPendingForward() == [rows[2].alertID])
        }
    }

    @Test(arguments: LedgerBackends.all)
    func heartbeatsKeepEachRunsFirstAndLast(_ backend: LedgerBackendFactory) throws {
        try backend.withFresh { fresh in
            let ledger = fresh.ledger
            try ledger.heartbeat(runID: "b", at: 500)
            try ledger.heartbeat(runID: "a", at: 100)
            try ledger.heartbeat(runID: "a", at: 130)
            try ledger.heartbeat(runID: "a", at: 120)  // late: never moves the end back
            let runs = try ledger.heartbeatRuns()
            #expect(runs.map(\.first) == [100, 500])
            #expect(runs.map(\.last) == [130, 500])
        }
    }

    /// Two relays on one ledger: relay 1 runs 100-200, relay 2 runs 150-300 (overlapping), then relay 1
    /// runs again 500-600 after a gap in which neither beat.
    @Test(arguments: LedgerBackends.all)
    func observedSilenceMergesTheRunsOfAllRelaysAndKeepsTheGap(_ backend: LedgerBackendFactory) throws {
        try backend.withFresh { fresh in
            let relay1 = fresh.ledger
            let relay2 = try fresh.another()
            try relay1.heartbeat(runID: "web-1:4242:aa", at: 100)
            try relay2.heartbeat(runID: "web-2:4242:bb", at: 150)
            try relay1.heartbeat(runID: "web-1:4242:aa", at: 200)
            try relay2.heartbeat(runID: "web-2:4242:bb", at: 300)
            try relay1.heartbeat(runID: "web-1:4243:cc", at: 500)
            try relay1.heartbeat(runID: "web-1:4243:cc", at: 600)
            let runs = try relay1.heartbeatRuns()
            #expect(runs.map(\.first) == [100, 150, 500])
            #expect(runs.map(\.last) == [200, 300, 600])
            let feed = FeedLiveness(runs: runs, period: .seconds(30))
            // Alive 100 to 300 + 30 (the overlap counted once), then 500 to 600 + 30; 330 to 500 is a gap.
            #expect(feed.intervals.map(\.start) == [100, 500])
            #expect(feed.intervals.map(\.end) == [330, 630])
            #expect(feed.aliveSeconds(from: 0, to: 1_000) == 230 + 130)
            #expect(feed.aliveSeconds(from: 330, to: 500) == 0)
        }
    }

    @Test(arguments: LedgerBackends.all)
    func countersAddAndGaugesSet(_ backend: LedgerBackendFactory) throws {
        try backend.withFresh { fresh in
            let ledger = fresh.ledger
            try ledger.add(to: MetricName(stored: "c_total"), labels: .none, value: 1)
            try ledger.add(to: MetricName(stored: "c_total"), labels: .none, value: 2)
            try ledger.add(to: MetricName(stored: "c_total"), labels: MetricLabels(stored: #"rule="r""#), value: 5)
            try ledger.set(gauge: MetricName(stored: "g"), labels: .none, value: 7)
            try ledger.set(gauge: MetricName(stored: "g"), labels: .none, value: 3)
            #expect(
                try ledger.metricSamples() == [
                    MetricSample(name: MetricName(stored: "c_total"), labels: .none, value: 3),
                    MetricSample(
                        name: MetricName(stored: "c_total"), labels: MetricLabels(stored: #"rule="r""#), value: 5),
                    MetricSample(name: MetricName(stored: "g"), labels: .none, value: 3),
                ])
        }
    }
}
