import Ledger
import Testing

/// The contract of `Retention` and `SweepClaims`, run against every backend.
@Suite struct RetentionContractTests {
    func eventTimes(_ ledger: any HistoryReading) throws -> [Int64] {
        var times: [Int64] = []
        try ledger.forEachEvent(since: 0) { times.append($0.receivedAt) }
        return times
    }

    @Test(arguments: LedgerBackends.all)
    func pruneNeverDeletesAnOpenAlertOrAnyCurrentEvent(_ backend: LedgerBackendFactory) throws {
        try backend.withFresh { fresh in
            let ledger = fresh.ledger
            // a stays open; b is resolved by its ok event. Each has an older event and an ok record.
            try ledger.record(
                [
                    try event("critical", host: "a", at: 100), try event("critical", host: "b", at: 110),
                    try event("critical", host: "a", at: 200),
                ], recordedAt: 200)
            _ = try ledger.apply(try allAlerts(ledger).map { sendRecord($0, at: 150, kind: .failed) })
            try ledger.record([try event("ok", host: "b", at: 210)], recordedAt: 210)

            let counted = try ledger.prune(before: 1_000, dryRun: true)
            #expect(counted.events == 1)
            #expect(counted.resolutions == 1)
            #expect(try eventTimes(ledger).count == 4, "a dry run deletes nothing")

            let pruned = try ledger.prune(before: 1_000, dryRun: false)
            #expect(pruned.events == counted.events)
            #expect(pruned.resolutions == counted.resolutions)
            #expect(try eventTimes(ledger) == [100, 200, 210], "b's old event went; a's history and b's current stay")
            let alerts = try allAlerts(ledger)
            #expect(alerts.map(\.state) == [.open, .resolved])
            #expect(try ledger.prune(before: 1_000, dryRun: true).events == 0)
            try ledger.vacuum(incremental: true)
            try ledger.vacuum(incremental: false)
            #expect(try allAlerts(ledger).count == 2)
        }
    }

    @Test(arguments: LedgerBackends.all)
    func pruneKeepsWhatIsNewerThanTheCutoff(_ backend: LedgerBackendFactory) throws {
        try backend.withFresh { fresh in
            let ledger = fresh.ledger
            try ledger.record(
                [try event("critical", host: "b", at: 100), try event("ok", host: "b", at: 500)], recordedAt: 500)
            let result = try ledger.prune(before: 100, dryRun: false)
            #expect(result.events == 0)
            #expect(try eventTimes(ledger) == [100, 500])
        }
    }

    @Test(arguments: LedgerBackends.all)
    func sweepClaimIsExclusiveAndReleased(_ backend: LedgerBackendFactory) throws {
        try backend.withFresh { fresh in
            let other = try fresh.another()
            let claim = try #require(try fresh.ledger.claimSweep())
            #expect(try other.claimSweep() == nil)
            #expect(try fresh.ledger.claimSweep() == nil, "not even the holder's own handle takes it twice")
            claim.release()
            let next = try #require(try other.claimSweep())
            next.release()
        }
    }
}
