import Alerts
import Ledger
import Testing

/// What the last sweep kept for a person, as `list` shows it, on every backend.
@Suite struct HoldsContractTests {
    @Test(arguments: LedgerBackends.all)
    func theLastSweepsHoldsReplaceTheOnesBefore(_ backend: LedgerBackendFactory) throws {
        try backend.withFresh { fresh in
            let ledger = fresh.ledger
            try ledger.record(
                [try event("critical", host: "a", at: 100), try event("critical", host: "b", at: 100)], recordedAt: 100)
            let ids = try allAlerts(ledger).reduce(into: [String: Int64]()) { $0[$1.display] = $1.id }
            let a = try #require(ids["host=a check=cpu"])
            let b = try #require(ids["host=b check=cpu"])
            try ledger.recordHolds([a: "snoozed", b: "assigned"], appKey: nil)
            var holds = try allAlerts(try fresh.another()).reduce(into: [String: String?]()) {
                $0[$1.display] = $1.heldBy
            }
            #expect(holds == ["host=a check=cpu": "snoozed", "host=b check=cpu": "assigned"])
            // The next sweep holds only b: a's hold is gone.
            try ledger.recordHolds([b: "commented"], appKey: nil)
            holds = try allAlerts(ledger).reduce(into: [String: String?]()) { $0[$1.display] = $1.heldBy }
            #expect(holds == ["host=a check=cpu": nil, "host=b check=cpu": "commented"])
            // A sweep of another app key leaves these alone.
            try ledger.recordHolds([:], appKey: "other")
            #expect(try allAlerts(ledger).first { $0.id == b }?.heldBy == "commented")
            try ledger.recordHolds([:], appKey: nil)
            #expect(try allAlerts(ledger).allSatisfy { $0.heldBy == nil })
        }
    }
}
