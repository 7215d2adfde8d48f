import Ledger
import Testing

#if canImport(Glibc)
    import Glibc
#endif

/// The contract of outbox claims, run against every backend; and on PostgreSQL, where several relays
/// share one ledger, claims held at once.
@Suite struct OutboxClaimContractTests {
    @Test(arguments: LedgerBackends.all)
    func aClaimKeepsWhatItCompletedOrRejectedAndFreesTheRest(_ backend: LedgerBackendFactory) throws {
        try backend.withFresh { fresh in
            let ledger = fresh.ledger
            try ledger.record(
                [
                    try event("critical", host: "a", at: 1, forward: "first"),
                    try event("critical", host: "b", at: 2, forward: "second"),
                    try event("critical", host: "c", at: 3, forward: "third"),
                ], recordedAt: 3)
            let claim = try ledger.claimOutbox(limit: 10)
            #expect(claim.rows.map(\.payload) == ["first", "second", "third"])
            try claim.complete(ids: [claim.rows[0].id])
            try claim.reject(id: claim.rows[1].id, error: "400 bad")
            try claim.release()
            #expect(try pendingAndRejected(ledger) == [1, 1])
            let next = try ledger.claimOutbox(limit: 10)
            #expect(next.rows.map(\.payload) == ["third"], "a released row is free for the next claim")
            try next.release()
            #expect(try ledger.claimOutbox(limit: 1).rows.map(\.payload) == ["third"])
        }
    }

    @Test func twoClaimsAtOnceGetDisjointRows() throws {
        try LedgerBackends.postgres.withFresh { fresh in
            let ledger = fresh.ledger
            try ledger.record(
                (1...6).map { try event("critical", host: "h\($0)", at: Int64($0), forward: "p\($0)") }, recordedAt: 6)
            let other = try fresh.another()
            let first = try ledger.claimOutbox(limit: 3)
            let second = try other.claimOutbox(limit: 10)
            #expect(first.rows.map(\.payload) == ["p1", "p2", "p3"])
            #expect(second.rows.map(\.payload) == ["p4", "p5", "p6"], "rows held by the first claim are passed by")
            try first.complete(ids: first.rows.map(\.id))
            try first.release()
            try second.release()
            #expect(try other.claimOutbox(limit: 10).rows.map(\.payload) == ["p4", "p5", "p6"])
        }
    }

    @Test func anAlertsLaterEventWaitsWhileAnotherClaimHoldsItsEarlierOne() throws {
        try LedgerBackends.postgres.withFresh { fresh in
            let ledger = fresh.ledger
            try ledger.record([try event("critical", host: "x", at: 1, forward: "x-1")], recordedAt: 1)
            try ledger.record([try event("critical", host: "y", at: 2, forward: "y-1")], recordedAt: 2)
            try ledger.record([try event("warning", host: "x", at: 3, forward: "x-2")], recordedAt: 3)
            let other = try fresh.another()
            let first = try ledger.claimOutbox(limit: 1)
            #expect(first.rows.map(\.payload) == ["x-1"])
            let second = try other.claimOutbox(limit: 10)
            #expect(second.rows.map(\.payload) == ["y-1"], "x-2 must not overtake x-1, held elsewhere")
            try second.release()
            try first.complete(ids: first.rows.map(\.id))
            try first.release()
            #expect(try other.claimOutbox(limit: 10).rows.map(\.payload) == ["y-1", "x-2"])
        }
    }

    @Test func aClaimWhoseHolderIsGoneFreesItsRows() throws {
        try LedgerBackends.postgres.withFresh { fresh in
            try fresh.ledger.record([try event("critical", host: "a", at: 1, forward: "only")], recordedAt: 1)
            var holder: (any LedgerBackend)? = try fresh.another()
            var claim = try holder?.claimOutbox(limit: 10)
            #expect(claim?.rows.map(\.payload) == ["only"])
            #expect(try fresh.ledger.claimOutbox(limit: 10).rows.isEmpty)
            // The relay holding it dies: its connection, and with it the lock, goes (the server notices
            // the closed connection a moment later).
            claim = nil
            holder = nil
            var freed = false
            for _ in 0..<100 where !freed {
                freed = try fresh.ledger.claimOutbox(limit: 10).rows.map(\.payload) == ["only"]
                if !freed { usleep(50_000) }
            }
            #expect(freed, "the dead holder's rows stayed locked")
        }
    }
}
