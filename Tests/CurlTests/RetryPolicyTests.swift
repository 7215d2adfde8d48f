import Curl
import TestSupport
import Testing

/// The one retry policy of every client: the ceiling, the jitter under it, `Retry-After` as a floor, and
/// the limit, with a seeded random source and fixed instants.
@Suite struct RetryPolicyTests {
    let start = ContinuousClock.now

    func policy(_ limit: RetryPolicy.Limit = .forever) -> RetryPolicy {
        RetryPolicy(base: .milliseconds(500), cap: .seconds(30), limit: limit)
    }

    /// A policy whose ceiling is zero, so every jitter draw is zero and only `Retry-After` counts.
    func noJitter(_ limit: RetryPolicy.Limit = .forever) -> RetryPolicy {
        RetryPolicy(base: .zero, cap: .zero, limit: limit)
    }

    @Test func theCeilingDoublesFromTheBaseUpToTheCap() {
        let ceilings = (1...9).map { policy().ceiling(attempt: $0) }
        #expect(ceilings == [0.5, 1, 2, 4, 8, 16, 30, 30, 30].map { Duration.seconds($0) })
        #expect(policy().ceiling(attempt: 0) == .milliseconds(500), "an attempt below 1 counts as the first")
        #expect(policy().ceiling(attempt: -3) == .milliseconds(500))
        #expect(policy().ceiling(attempt: 10_000) == .seconds(30), "a long run neither overflows nor passes the cap")
        #expect(
            RetryPolicy(base: .milliseconds(50), cap: .milliseconds(200), limit: .forever).ceiling(attempt: 3)
                == .seconds(0.2))
    }

    @Test func fullJitterSpreadsOverTheWholeRangeUnderTheCeiling() {
        var random = FuzzRandom(seed: 0x5eed)
        for attempt in 1...8 {
            let ceiling = policy().ceiling(attempt: attempt)
            let delays = (0..<500).map { _ in policy().delay(attempt: attempt, retryAfter: nil, using: &random) }
            let highest = delays.max() ?? .zero
            let lowest = delays.min() ?? .zero
            #expect(lowest >= .zero)
            #expect(highest <= ceiling, "attempt \(attempt): \(highest) over the ceiling \(ceiling)")
            #expect(highest > ceiling * 0.8, "attempt \(attempt): the draws reach near the ceiling")
            #expect(lowest < ceiling * 0.2, "attempt \(attempt): the draws reach near zero")
        }
    }

    @Test func theSameSeedGivesTheSameDelays() {
        var first = FuzzRandom(seed: 42)
        var second = FuzzRandom(seed: 42)
        let one = (1...6).map { policy().delay(attempt: $0, retryAfter: nil, using: &first) }
        let two = (1...6).map { policy().delay(attempt: $0, retryAfter: nil, using: &second) }
        #expect(one == two)
    }

    @Test func retryAfterIsAFloorButNotACeiling() {
        var random = FuzzRandom(seed: 7)
        #expect(noJitter().delay(attempt: 1, retryAfter: .seconds(7), using: &random) == .seconds(7))
        #expect(noJitter().delay(attempt: 1, retryAfter: nil, using: &random) == .zero)
        #expect(policy().delay(attempt: 1, retryAfter: .seconds(7), using: &random) == .seconds(7), "7 s is over 0.5 s")
        let delays = (0..<200).map { _ in
            policy().delay(attempt: 6, retryAfter: .seconds(1), using: &random)
        }
        #expect(delays.allSatisfy { $0 >= .seconds(1) })
        #expect(delays.contains { $0 > .seconds(1) }, "a draw above Retry-After is kept")
    }

    @Test func noAttemptStartsAtOrAfterTheDeadline() {
        let deadline = policy(.deadline(start + .seconds(10)))
        #expect(deadline.allowsAttempt(at: start))
        #expect(deadline.allowsAttempt(at: start + .milliseconds(9_999)))
        #expect(!deadline.allowsAttempt(at: start + .seconds(10)))
        #expect(!deadline.allowsAttempt(at: start + .seconds(11)))
    }

    @Test func aWaitEndingAtOrPastTheDeadlineIsRefusedAtOnce() {
        let deadline = noJitter(.deadline(start + .seconds(10)))
        var random = FuzzRandom(seed: 3)
        #expect(deadline.nextDelay(attempt: 1, retryAfter: .seconds(9), now: start, using: &random) == .seconds(9))
        #expect(deadline.nextDelay(attempt: 1, retryAfter: .seconds(10), now: start, using: &random) == nil)
        #expect(deadline.nextDelay(attempt: 1, retryAfter: .seconds(3_600), now: start, using: &random) == nil)
        #expect(deadline.nextDelay(attempt: 1, retryAfter: nil, now: start + .seconds(10), using: &random) == nil)
        // The jitter counts too: a ceiling of 30 s seen 1 s before the deadline is refused unless the draw is short.
        let jittered = policy(.deadline(start + .seconds(10)))
        let now = start + .seconds(9)
        let waits = (0..<200).map { _ in jittered.nextDelay(attempt: 7, retryAfter: nil, now: now, using: &random) }
        #expect(waits.contains(nil), "a long draw is refused")
        #expect(waits.contains { $0 != nil }, "a short draw is kept")
        #expect(waits.allSatisfy { wait in wait.map { now + $0 < start + .seconds(10) } ?? true })
    }

    @Test func foreverNeverRefuses() {
        var random = FuzzRandom(seed: 9)
        #expect(policy(.forever).allowsAttempt(at: start + .seconds(1_000_000_000)))
        #expect(
            noJitter(.forever).nextDelay(
                attempt: 50, retryAfter: .seconds(3_600), now: start + .seconds(1_000), using: &random)
                == .seconds(3_600))
        #expect(
            (0..<100).allSatisfy { _ in
                policy(.forever).nextDelay(attempt: 50, retryAfter: nil, now: start, using: &random) != nil
            })
    }
}
