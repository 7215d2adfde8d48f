import Alerts
import Ledger
import ResolverMetrics
import Testing

/// The contract of `AlertRecording` and `SweepQueries`, run against every backend.
@Suite struct RecordingContractTests {
    @Test(arguments: LedgerBackends.all)
    func latestReceiveTimeIsCurrentAndLateOlderEventsAreHistory(_ backend: LedgerBackendFactory) throws {
        try backend.withFresh { fresh in
            let ledger = fresh.ledger
            try ledger.record([try event("critical", at: 1000)], recordedAt: 1000)
            try ledger.record([try event("ok", at: 900, timestamp: 1_700_000_000)], recordedAt: 1001)
            var alerts = try allAlerts(ledger)
            #expect(alerts.count == 1)
            #expect(alerts.first?.state == .open)
            #expect(alerts.first?.lastReceived == 1000)
            #expect(alerts.first?.maxTimestamp == 1_700_000_000)
            try ledger.record([try event("ok", at: 1000)], recordedAt: 1002)
            alerts = try allAlerts(ledger)
            #expect(alerts.first?.state == .resolved, "a tie goes to the event recorded last")
            try ledger.record([try event("warning", at: 2000)], recordedAt: 2000)
            alerts = try allAlerts(ledger, [.open])
            #expect(alerts.count == 1, "a later non-ok event reopens it")
        }
    }

    @Test(arguments: LedgerBackends.all)
    func aBatchIsAllOrNothing(_ backend: LedgerBackendFactory) throws {
        try backend.withFresh { fresh in
            let ledger = fresh.ledger
            struct Boom: Error {}
            let committed = try? ledger.recordStream(recordedAt: 1) { record in
                try record(try event("critical", host: "a", at: 1))
                throw Boom()
            }
            #expect(committed == nil)
            let declined = try ledger.recordStream(recordedAt: 1) { record in
                try record(try event("critical", host: "b", at: 1))
                return false
            }
            #expect(declined == false)
            #expect(try allAlerts(ledger).isEmpty)
            let accepted = try ledger.recordStream(recordedAt: 1) { record in
                try record(try event("critical", host: "c", at: 1))
                try record(try event("critical", host: "d", at: 1))
                return true
            }
            #expect(accepted)
            #expect(try allAlerts(ledger).count == 2)
        }
    }

    @Test(arguments: LedgerBackends.all)
    func filtersByAppKeyAndStreamsInIDOrder(_ backend: LedgerBackendFactory) throws {
        try backend.withFresh { fresh in
            let ledger = fresh.ledger
            var events: [IncomingEvent] = []
            for index in 0..<50 {
                let key = index % 2 == 0 ? "even" : "odd"
                events.append(
                    IncomingEvent(
                        alert: try makeAlert(#"{"app_key":"\#(key)","status":"critical","host":"h\#(index)"}"#),
                        receivedAt: 1))
            }
            try ledger.record(events, recordedAt: 1)
            var seen: [Int64] = []
            try ledger.forEachAlert(AlertFilter(states: [.open], appKey: "odd")) { seen.append($0.id) }
            #expect(seen.count == 25)
            #expect(seen == seen.sorted())
            #expect(try ledger.alerts(ids: seen.reversed().prefix(3).map { $0 }).map(\.id) == seen.suffix(3).reversed())
        }
    }

    @Test(arguments: LedgerBackends.all)
    func deliveredOkResolvesUnlessFenced(_ backend: LedgerBackendFactory) throws {
        try backend.withFresh { fresh in
            let ledger = fresh.ledger
            try ledger.record(
                [try event("critical", host: "a", at: 100), try event("critical", host: "b", at: 100)], recordedAt: 100)
            let open = try allAlerts(ledger, [.open])
            #expect(open.count == 2)
            // A new event for b arrives after the decision.
            try ledger.record([try event("critical", host: "b", at: 200)], recordedAt: 200)
            #expect(try ledger.apply(open.map { sendRecord($0, at: 300, kind: .delivered) }) == [.resolved, .fenced])
            let after = try allAlerts(ledger)
            #expect(after.first { $0.display.contains("host=a") }?.state == .resolved)
            #expect(after.first { $0.display.contains("host=b") }?.state == .open)
            #expect(after.allSatisfy { $0.maxTimestamp >= 300 })
            let resolved = try ledger.metricSamples().filter { $0.name == MetricName.resolved }
            #expect(resolved.map(\.value) == [1], "a fenced ok is not counted")
            // One audit row per send, in the batch's order, with its outcome.
            var audit: [[LedgerValue]] = []
            try ledger.exportRows { row in if row.table == .resolutions { audit.append(row.values) } }
            #expect(audit.map { $0[1] } == open.map { .integer($0.id) })
            #expect(audit.map { $0[9] } == [.text("resolved"), .text("fenced")])
        }
    }

    @Test(arguments: LedgerBackends.all)
    func threePermanentRefusalsMarkRejectedAndANewEventReopens(_ backend: LedgerBackendFactory) throws {
        try backend.withFresh { fresh in
            let ledger = fresh.ledger
            try ledger.record([try event("critical", at: 100)], recordedAt: 100)
            let alert = try #require(try allAlerts(ledger).first)
            var outcomes: [AppliedOutcome] = []
            for run in 1...3 {
                outcomes += try ledger.apply([sendRecord(alert, at: Int64(run), kind: .permanent)])
            }
            #expect(outcomes == [.failed, .failed, .rejected])
            #expect(try allAlerts(ledger, [.rejected]).count == 1)
            try ledger.record([try event("critical", at: 500)], recordedAt: 500)
            #expect(try allAlerts(ledger, [.open]).count == 1)
        }
    }

    @Test(arguments: LedgerBackends.all)
    func openSummaryAndPendingForwardsFollowTheAlerts(_ backend: LedgerBackendFactory) throws {
        try backend.withFresh { fresh in
            let ledger = fresh.ledger
            try ledger.record(
                [
                    try event("critical", host: "a", at: 300), try event("critical", host: "b", at: 200, forward: "{}"),
                    try event("ok", host: "c", at: 100),
                ], recordedAt: 400)
            let summary = try ledger.openSummary()
            #expect(summary.open == 2)
            #expect(summary.oldestLastReceived == 200)
            let b = try #require(try allAlerts(ledger).first { $0.display.contains("host=b") })
            #expect(try ledger.alertsWithPendingForward() == [b.id])
        }
    }
}
