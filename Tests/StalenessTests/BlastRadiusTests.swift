import Staleness
import Testing

/// The safety limits exactly at and one past each boundary, for both subjects.
@Suite struct BlastRadiusTests {
    let limits = BlastRadius(maxResolvesPerRun: 10, maxResolveFraction: 0.5)

    @Test(arguments: [BlastRadius.Subject.staleOfOpen, .driftOfActive])
    func theCountHoldsOnlyPastTheLimit(subject: BlastRadius.Subject) {
        // 10 of 1,000 is under the fraction: only the count can hold.
        #expect(limits.holdReason(closing: 10, of: 1_000, subject) == nil, "exactly at the limit")
        let reason = limits.holdReason(closing: 11, of: 1_000, subject)
        #expect(reason?.contains("11") == true && reason?.contains("max_resolves_per_run (10)") == true)
    }

    @Test(arguments: [BlastRadius.Subject.staleOfOpen, .driftOfActive])
    func theFractionHoldsOnlyPastItAndFromTwentyInScope(subject: BlastRadius.Subject) {
        let limits = BlastRadius(maxResolvesPerRun: 500, maxResolveFraction: 0.5)
        #expect(limits.holdReason(closing: 10, of: 20, subject) == nil, "exactly half of 20")
        let reason = limits.holdReason(closing: 11, of: 20, subject)
        #expect(reason?.contains("11 of 20") == true && reason?.contains("max_resolve_fraction (0.5)") == true)
        // 19 in scope: below the floor the fraction never holds, however much would close.
        #expect(BlastRadius.fractionFloor == 20)
        #expect(limits.holdReason(closing: 19, of: 19, subject) == nil)
    }

    @Test func eachSubjectSaysWhatToCheck() {
        #expect(limits.holdReason(closing: 11, of: 1_000, .staleOfOpen)?.contains("stale alerts") == true)
        #expect(limits.holdReason(closing: 11, of: 1_000, .staleOfOpen)?.contains("check the feed") == true)
        #expect(limits.holdReason(closing: 11, of: 1_000, .driftOfActive)?.contains("drifted alerts") == true)
        #expect(limits.holdReason(closing: 11, of: 1_000, .driftOfActive)?.contains("check BigPanda") == true)
        let fraction = BlastRadius(maxResolvesPerRun: 500, maxResolveFraction: 0.5)
        #expect(fraction.holdReason(closing: 11, of: 20, .driftOfActive)?.contains("active alerts drifted") == true)
        #expect(fraction.holdReason(closing: 11, of: 20, .staleOfOpen)?.contains("open alerts are stale") == true)
    }
}
