import Alerts
import Backtest
import Staleness
import TestSupport
import Testing

/// The naive replay: every sweep of the grid, one `StalenessPolicy.decide` per open alert, as a sweep runs.
/// The analytic replay must agree with it exactly.
struct BruteForceReplay {
    var policy: StalenessPolicy
    var feed: FeedLiveness?
    var window: ReplayWindow

    /// (rule, resolves, premature, sorted silences at resolve, open at end) per rule name.
    func run(_ history: HandHistory) -> [String: (resolves: Int, premature: Int, silences: [Int64], open: Int)] {
        var result: [String: (resolves: Int, premature: Int, silences: [Int64], open: Int)] = [:]
        let byAlert = Dictionary(grouping: history.events, by: \.alert)
        for (_, unsorted) in byAlert {
            let events = unsorted.sorted { $0.at < $1.at }
            for (index, event) in events.enumerated() where !event.isOK {
                let next = index + 1 < events.count ? events[index + 1] : nil
                // Sweeps at or before the event see no silence; start at the first one after it.
                var sweep =
                    window.start + ((event.at - window.start) / window.interval.wholeSeconds + 1)
                    * window.interval.wholeSeconds
                var resolvedAt: StalenessDecision?
                while sweep <= window.now, next.map({ sweep < $0.at }) ?? true {
                    let decision = policy.decide(payload: event.payload, lastReceived: event.at, now: sweep, feed: feed)
                    if decision.isStale {
                        resolvedAt = decision
                        break
                    }
                    sweep += window.interval.wholeSeconds
                }
                let rule = policy.rule(for: event.payload).name
                var entry = result[rule] ?? (0, 0, [], 0)
                if let resolvedAt {
                    entry.resolves += 1
                    entry.silences.append(resolvedAt.silence.wholeSeconds)
                    if let next, !next.isOK, next.at - event.at < window.refireWindow.wholeSeconds {
                        entry.premature += 1
                    }
                } else if next == nil {
                    entry.open += 1
                }
                result[rule] = entry
            }
        }
        return result
    }
}

@Suite struct BruteForceReplayTests {
    @Test func analyticReplayAgreesWithSweepingEveryInterval() throws {
        var random = FuzzRandom(seed: Fuzz.seed("backtest-brute-force"))
        let now: Int64 = 1_800_000_000
        for round in 0..<24 {
            let window = ReplayWindow(
                now: now, since: .seconds(2 * 86_400), interval: .seconds(random.pick([60, 300, 900])),
                refireWindow: .seconds(random.pick([1800, 6 * 3600])))
            let policy = StalenessPolicy(
                defaultStaleAfter: .after(.seconds(random.pick([600, 3600, 5400]))),
                rules: [
                    Rule(
                        name: "a", match: [("check", try GlobPattern("a*"))],
                        staleAfter: .after(.seconds(random.pick([900, 7200])))),
                    Rule(name: "n", match: [("check", try GlobPattern("n*"))], staleAfter: .never),
                ])
            var feed: FeedLiveness?
            if round % 2 == 1 {
                var runs: [(first: Int64, last: Int64)] = []
                var at = window.start - Int64(random.int(0...7200))
                while at < now {
                    let length = Int64(random.int(600...20_000))
                    runs.append((at, at + length))
                    at += length + Int64(random.int(0...10_000))
                }
                feed = FeedLiveness(runs: runs)
            }
            var history = HandHistory()
            for alert in Int64(0)..<8 {
                var at = window.start + Int64(random.int(0...3600))
                while at <= now {
                    let check = random.pick(["a1", "b", "n1"])
                    history.add(alert, at: at, ok: random.chance(0.1), [("check", check)])
                    at +=
                        Int64(random.pick([0, 1, 299, 300, 301, 900, 3599, 3600, 3601, 7300, 20_000, 40_000]))
                        + Int64(random.int(0...400))
                }
            }
            let report = history.replay(policy, feed: feed, window: window)
            let expected = BruteForceReplay(policy: policy, feed: feed, window: window).run(history)
            for (figures, _) in report.rules {
                let naive = expected[figures.rule] ?? (0, 0, [], 0)
                let silences = naive.silences.sorted()
                func rank(_ fraction: Double) -> Int64? {
                    silences.isEmpty ? nil : silences[Int((fraction * Double(silences.count)).rounded(.up)) - 1]
                }
                #expect(figures.resolves == naive.resolves, "round \(round) rule \(figures.rule)")
                #expect(figures.premature == naive.premature, "round \(round) rule \(figures.rule)")
                #expect(figures.openAtEnd == naive.open, "round \(round) rule \(figures.rule)")
                #expect(figures.silenceMedian == rank(0.5), "round \(round) rule \(figures.rule)")
                #expect(figures.silenceP90 == rank(0.9), "round \(round) rule \(figures.rule)")
            }
        }
    }
}
