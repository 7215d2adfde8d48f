import Alerts
import Backtest
import Staleness
import Testing

/// A replay history built by hand: events per alert, in order.
struct HandHistory {
    struct Event {
        var alert: Int64
        var at: Int64
        var isOK: Bool
        var payload: JSONObject
    }

    var events: [Event] = []

    mutating func add(_ alert: Int64, at: Int64, ok: Bool = false, _ fields: [(String, String)] = []) {
        events.append(Event(alert: alert, at: at, isOK: ok, payload: JSONObject(fields.map { ($0.0, .string($0.1)) })))
    }

    func replay(_ policy: StalenessPolicy, feed: FeedLiveness? = nil, window: ReplayWindow) -> ReplayReport {
        var replay = Replay(policy: policy, feed: feed, window: window)
        for event in events.sorted(by: { ($0.alert, $0.at) < ($1.alert, $1.at) }) {
            replay.add(alert: event.alert, receivedAt: event.at, isOK: event.isOK, payload: event.payload)
        }
        return replay.finish()
    }
}

@Suite struct ReplayTests {
    static let now: Int64 = 1_800_000_000
    static let window = ReplayWindow(
        now: now, since: .seconds(10 * 86_400), interval: .seconds(300), refireWindow: .seconds(6 * 3600))
    /// The k-th replayed sweep.
    static func g(_ k: Int64) -> Int64 { window.start + k * 300 }

    static func policy() throws -> StalenessPolicy {
        StalenessPolicy(
            defaultStaleAfter: .after(.seconds(3600)),
            rules: [
                Rule(
                    name: "payments", match: [("service", try GlobPattern("payments*"))],
                    staleAfter: .after(.seconds(10_800))),
                Rule(name: "disks", match: [("check", try GlobPattern("Disk*"))], staleAfter: .never),
                Rule(
                    name: "quiet", match: [("service", try GlobPattern("nothing*"))], staleAfter: .after(.seconds(1800))
                ),
            ])
    }

    /// Every figure of this history is worked out in the comments.
    static func handHistory() -> HandHistory {
        let g = ReplayTests.g
        var history = HandHistory()
        // A, default 1h.
        history.add(1, at: g(1))
        history.add(1, at: g(1) + 3599)  // 1s under 1h: no resolve
        history.add(1, at: g(1) + 3599 + 3600)  // exactly 1h: the event comes first, no resolve
        // Over 1h: stale at g(37) - 1, resolved at g(37), 1s before the event; re-fired within 6h: premature.
        history.add(1, at: g(37) + 1)
        // 7h later (outside the refire window): resolved at g(50) with 3899s of silence, not premature.
        history.add(1, at: g(37) + 1 + 25_200)
        // The last silence: resolved at g(134) (3899s), never premature.
        // B, payments 3h: resolved at g(46) (10800s), re-fired at 4h: premature.
        history.add(2, at: g(10), [("service", "payments-api")])
        history.add(2, at: g(10) + 14_400, [("service", "payments-api")])
        // A day later: resolved at g(94) (10800s), not premature.
        history.add(2, at: g(10) + 14_400 + 86_400, [("service", "payments-api")])
        // Days later: resolved at g(382) (10800s); then an hour before the end, so still open.
        history.add(2, at: now - 3600, [("service", "payments-api")])
        // C, never: no resolve, open at the end.
        history.add(3, at: g(5), [("check", "Disk full")])
        history.add(3, at: g(5) + 2 * 86_400, [("check", "Disk full")])
        // D, default: resolved at g(212) before its ok (not premature: an ok is the alert's end), no resolve
        // after the ok, and its last silence from g(226) resolved at g(238).
        history.add(4, at: g(200))
        history.add(4, at: g(200) + 7200, ok: true)
        history.add(4, at: g(226))
        return history
    }

    @Test func everyFigureOfAHandBuiltHistory() throws {
        let report = Self.handHistory().replay(try Self.policy(), window: Self.window)
        #expect(report.events == 14)
        #expect(
            report.figures("default")
                == RuleFigures(
                    rule: "default", alerts: 2, resolves: 5, premature: 1, silenceMedian: 3601, silenceP90: 3899,
                    openAtEnd: 0))
        #expect(report.figures("default")?.prematurePercent == 20.0)
        #expect(
            report.figures("payments")
                == RuleFigures(
                    rule: "payments", alerts: 1, resolves: 3, premature: 1, silenceMedian: 10_800,
                    silenceP90: 10_800, openAtEnd: 1))
        #expect(
            report.figures("disks")
                == RuleFigures(
                    rule: "disks", alerts: 1, resolves: 0, premature: 0, silenceMedian: nil, silenceP90: nil,
                    openAtEnd: 1))
        #expect(
            report.figures("quiet")
                == RuleFigures(
                    rule: "quiet", alerts: 0, resolves: 0, premature: 0, silenceMedian: nil, silenceP90: nil,
                    openAtEnd: 0))
        #expect(
            report.total
                == RuleFigures(
                    rule: "total", alerts: 4, resolves: 8, premature: 2, silenceMedian: 3899, silenceP90: 10_800,
                    openAtEnd: 2))
        #expect(report.total.prematurePercent == 25.0)
        #expect(report.rules.map(\.figures.rule) == ["payments", "disks", "quiet", "default"])
        // The rule that saw no alerts gets no suggestion.
        #expect(report.suggestions.map(\.rule) == ["payments", "disks", "default"])
    }

    @Test(arguments: [
        // (offset of the event from a sweep, gap to the next event, resolved?): stale_after 1h, sweeps every 5m.
        (Int64(0), Int64(3599), false), (0, 3600, false), (0, 3601, true),
        // From 1s after a sweep, the silence is stale at g(12) + 1 and the next sweep is g(13).
        (1, 3601, false), (1, 3899, false), (1, 3900, true),
    ])
    func aResolveNeedsASweepBeforeTheNextEvent(offset: Int64, gap: Int64, resolved: Bool) {
        var history = HandHistory()
        history.add(1, at: Self.g(0) + offset)
        history.add(1, at: Self.g(0) + offset + gap, ok: true)
        let report = history.replay(StalenessPolicy(), window: Self.window)
        #expect(report.total.resolves == (resolved ? 1 : 0))
        #expect(report.total.premature == 0)
    }

    @Test func hugeDurationsResolveNothingAndDoNotOverflow() {
        // From the command line: `--since` and `--interval` of millions of years, `--now` near the end of time.
        let huge = Int64.max / 2
        let window = ReplayWindow(
            now: Int64.max - 10, since: .seconds(huge / 2), interval: .seconds(huge), refireWindow: .seconds(huge))
        #expect(window.firstSweep(atOrAfter: window.start + 1) == nil)
        var history = HandHistory()
        history.add(1, at: window.start + 1)
        #expect(history.replay(StalenessPolicy(), window: window).total.openAtEnd == 1)
    }

    @Test func aSweepAfterTheEndOfTheReplayResolvesNothing() {
        var history = HandHistory()
        history.add(1, at: Self.now - 3600 + 1)
        let late = history.replay(StalenessPolicy(), window: Self.window)
        #expect(late.total.resolves == 0)
        #expect(late.total.openAtEnd == 1)
        var onTime = HandHistory()
        onTime.add(1, at: Self.now - 3600)
        #expect(onTime.replay(StalenessPolicy(), window: Self.window).total.resolves == 1)
    }
}
