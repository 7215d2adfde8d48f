import Ledger
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

    @Test(arguments: LedgerBackends.all)
    func countersAddAndGaugesSet(_ backend: LedgerBackendFactory) throws {
        try backend.withFresh { fresh in
            let ledger = fresh.ledger
            try ledger.add(to: "c_total", labels: "", value: 1)
            try ledger.add(to: "c_total", labels: "", value: 2)
            try ledger.add(to: "c_total", labels: #"rule="r""#, value: 5)
            try ledger.set(gauge: "g", labels: "", value: 7)
            try ledger.set(gauge: "g", labels: "", value: 3)
            #expect(
                try ledger.metricSamples() == [
                    MetricSample(name: "c_total", labels: "", value: 3),
                    MetricSample(name: "c_total", labels: #"rule="r""#, value: 5),
                    MetricSample(name: "g", labels: "", value: 3),
                ])
        }
    }
}
