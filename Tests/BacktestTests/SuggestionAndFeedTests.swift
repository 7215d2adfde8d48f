import Alerts
import Backtest
import Staleness
import Testing

@Suite struct SuggestionTests {
    static let now: Int64 = 1_800_000_000
    static let window = ReplayWindow(
        now: now, since: .seconds(30 * 86_400), interval: .seconds(300), refireWindow: .seconds(6 * 3600))
    static func g(_ k: Int64) -> Int64 { window.start + k * 300 }

    @Test func aPauseInsideAFiringPushesTheSuggestionPastIt() {
        // Re-notified every 50m, then a 2h30m pause inside the firing, then silent for good: 1h and 2h resolve
        // in the pause (premature), 3h does not.
        var history = HandHistory()
        for alert in Int64(1)...10 {
            var at = Self.g(alert * 100)
            for _ in 0..<5 {
                history.add(alert, at: at)
                at += 3000
            }
            at += 9000 - 3000
            history.add(alert, at: at)
        }
        let report = history.replay(StalenessPolicy(), window: Self.window)
        #expect(
            report.suggestions == [
                Suggestion(rule: "default", current: .after(.seconds(3600)), staleAfter: .after(.seconds(10_800)))
            ])
        // Under its own 1h the pause is resolved each time: 10 premature of 20.
        #expect(report.total.resolves == 20)
        #expect(report.total.premature == 10)
    }

    @Test(arguments: [
        // (alerts that fire once and end, expected suggestion): one premature 15m resolve among 2 + singles.
        (99, Int64(900)),  // 1 of 101: 0.99 %, under 1 %
        (98, Int64(1800)),  // 1 of 100: exactly 1 %, not under: the next step
    ])
    func theRateMustBeUnderOnePercent(singles: Int, expected: Int64) {
        var history = HandHistory()
        history.add(1, at: Self.g(10))
        history.add(1, at: Self.g(10) + 1200)  // 20m later: premature under 15m only
        for alert in 0..<Int64(singles) { history.add(100 + alert, at: Self.g(20 + alert)) }
        let report = history.replay(StalenessPolicy(), window: Self.window)
        #expect(report.suggestions.first?.staleAfter == .after(.seconds(expected)))
    }

    @Test func neverWhenNoLadderValueQualifies() {
        // Re-notified every 4 days with a 5-day refire window: even 3d resolves inside the firing.
        let window = ReplayWindow(
            now: Self.now, since: .seconds(30 * 86_400), interval: .seconds(300), refireWindow: .seconds(5 * 86_400))
        var history = HandHistory()
        for step in Int64(0)..<3 { history.add(1, at: window.start + step * 4 * 86_400) }
        let report = history.replay(StalenessPolicy(), window: window)
        #expect(report.suggestions.first?.staleAfter == .never)
    }
}

@Suite struct ObservedSilenceTests {
    static let window = SuggestionTests.window
    static func g(_ k: Int64) -> Int64 { SuggestionTests.g(k) }

    @Test func aRelayOutageIsNoSilence() {
        // The relay is down for 5h from g(1000); the alert was notified 10m before and 20m after.
        let outage = Self.g(1000)
        let feed = FeedLiveness(runs: [(Self.window.start, outage - 30), (outage + 18_000, Self.window.now)])
        var history = HandHistory()
        history.add(1, at: outage - 600)
        history.add(1, at: outage + 18_000 + 1200)
        let observed = history.replay(StalenessPolicy(), feed: feed, window: Self.window)
        // 30m of observed silence: only the last silence resolves.
        #expect(observed.total.resolves == 1)
        #expect(observed.total.premature == 0)
        let plain = history.replay(StalenessPolicy(), feed: nil, window: Self.window)
        #expect(plain.total.resolves == 2)
        #expect(plain.total.premature == 1)
    }

    @Test func theSweepSeesObservedSilence() {
        // Alive until g(100), down until g(112). From g(90)+100, 2900s count before the gap and 700 after:
        // stale at g(114)+100, resolved at g(115) with 3800s of observed silence (7400s elapsed).
        let feed = FeedLiveness(runs: [(Self.g(0), Self.g(100) - 30), (Self.g(112), Self.window.now)])
        var history = HandHistory()
        history.add(1, at: Self.g(90) + 100)
        history.add(1, at: Self.g(115) + 1, ok: true)
        let report = history.replay(StalenessPolicy(), feed: feed, window: Self.window)
        #expect(report.total.resolves == 1)
        #expect(report.total.silenceMedian == 3800)
        var early = HandHistory()
        early.add(1, at: Self.g(90) + 100)
        early.add(1, at: Self.g(115), ok: true)
        #expect(early.replay(StalenessPolicy(), feed: feed, window: Self.window).total.resolves == 0)
    }

    @Test func aFeedThatStoppedLeavesTheAlertOpen() {
        let feed = FeedLiveness(runs: [(Self.g(0), Self.g(10))])
        var history = HandHistory()
        history.add(1, at: Self.g(5))
        let report = history.replay(StalenessPolicy(), feed: feed, window: Self.window)
        #expect(report.total.resolves == 0)
        #expect(report.total.openAtEnd == 1)
    }
}
