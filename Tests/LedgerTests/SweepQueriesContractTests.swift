import Alerts
import Ledger
import Testing

/// The narrower reads of `SweepQueries` a sweep uses to read only its candidates, on every backend.
@Suite struct SweepQueriesContractTests {
    /// 30 open alerts, in app keys `even` and `odd`, received at 100, 200, ... 3000; one more resolved.
    func populate(_ ledger: any LedgerBackend) throws {
        var events: [IncomingEvent] = []
        for index in 1...30 {
            let key = index % 2 == 0 ? "even" : "odd"
            events.append(
                IncomingEvent(
                    alert: try makeAlert(#"{"app_key":"\#(key)","status":"critical","host":"h\#(index)"}"#),
                    receivedAt: Int64(index) * 100))
        }
        events.append(
            IncomingEvent(alert: try makeAlert(#"{"app_key":"even","status":"ok","host":"done"}"#), receivedAt: 50))
        try ledger.record(events, recordedAt: 1)
    }

    @Test(arguments: LedgerBackends.all)
    func countsAndScansHonourTheAppKeyAndTheLastReceivedBound(_ backend: LedgerBackendFactory) throws {
        try backend.withFresh { fresh in
            let ledger = fresh.ledger
            try populate(ledger)
            #expect(try ledger.countAlerts(AlertFilter(states: [])) == 31)
            #expect(try ledger.countAlerts(AlertFilter(states: [.open])) == 30)
            #expect(try ledger.countAlerts(AlertFilter(states: [.open], appKey: "even")) == 15)
            var filter = AlertFilter(states: [.open], appKey: "even")
            filter.lastReceivedAtMost = 1000
            #expect(try ledger.countAlerts(filter) == 5)
            var seen: [LedgerAlert] = []
            try ledger.forEachAlert(filter) { seen.append($0) }
            #expect(seen.map(\.lastReceived) == [200, 400, 600, 800, 1000])
            #expect(seen.allSatisfy { $0.payloadText.contains("\"host\"") })
        }
    }

    @Test(arguments: LedgerBackends.all)
    func aScanWithoutPayloadsReadsTheSameAlerts(_ backend: LedgerBackendFactory) throws {
        try backend.withFresh { fresh in
            let ledger = fresh.ledger
            try populate(ledger)
            var filter = AlertFilter(states: [.open])
            var full: [LedgerAlert] = []
            try ledger.forEachAlert(filter) { full.append($0) }
            filter.payloads = false
            var bare: [LedgerAlert] = []
            try ledger.forEachAlert(filter) { bare.append($0) }
            #expect(bare.map(\.id) == full.map(\.id))
            #expect(bare.map(\.currentEventID) == full.map(\.currentEventID))
            #expect(bare.map(\.display) == full.map(\.display))
            #expect(bare.allSatisfy { $0.payloadText.isEmpty })
            // The batch re-read returns the asked ids in the asked order, with payloads, missing ones left out.
            let ids = [full[7].id, full[2].id, 999_999, full[5].id]
            let read = try ledger.alerts(ids: ids)
            #expect(read.map(\.id) == [full[7].id, full[2].id, full[5].id])
            #expect(read.map(\.payloadText) == [full[7].payloadText, full[2].payloadText, full[5].payloadText])
            #expect(try ledger.alerts(ids: []).isEmpty)
        }
    }
}
