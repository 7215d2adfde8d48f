import Alerts
import Staleness
import Testing

@Suite struct DurationTests {
    @Test(arguments: [
        ("90s", Int64(90)), ("30m", 1800), ("1h30m", 5400), ("7d", 604_800), ("1d2h3m4s", 93_784), ("0h5m", 300),
    ])
    func parses(text: String, seconds: Int64) throws {
        #expect(try DurationText.parse(text) == seconds)
    }

    @Test(arguments: [
        "", "90", "0s", "0h0m", "1x", "30m1h", "1h1h", "h", "1.5h", " 1h", "-1h", "99999999999999999999d",
    ])
    func refuses(text: String) {
        #expect(throws: DurationError.self) { try DurationText.parse(text) }
    }

    @Test(arguments: [
        (Int64(0), "0s"), (45, "45s"), (11_520, "3h12m"), (3600, "1h"), (90_061, "1d1h1m"), (3_599, "59m59s"),
    ])
    func formats(seconds: Int64, text: String) {
        #expect(DurationText.format(seconds) == text)
    }
}

@Suite struct GlobTests {
    @Test(arguments: [
        ("payments*", "payments-api", true), ("payments*", "payments", true), ("payments*", "pay", false),
        ("*latency*", "p99 latency high", true), ("*latency*", "latenc", false), ("Disk?", "Disk1", true),
        ("Disk?", "Disk12", false), ("a*b*c", "axxbyyc", true), ("a*b*c", "axxbyy", false), ("*", "", true),
        ("exact", "exact", true), ("exact", "Exact", false), ("[x]", "[x]", true), ("a.c", "abc", false),
    ])
    func matches(pattern: String, text: String, expected: Bool) throws {
        #expect(try GlobPattern(pattern).matches(text) == expected)
    }

    @Test func refusesEmpty() {
        #expect(throws: GlobPattern.Invalid.self) { try GlobPattern("") }
    }
}

@Suite struct PolicyTests {
    let now: Int64 = 1_795_773_600

    func policy() throws -> StalenessPolicy {
        StalenessPolicy(
            defaultStaleAfter: .after(.seconds(3600)),
            rules: [
                Rule(
                    name: "payments",
                    match: [("service", try GlobPattern("payments*")), ("check", try GlobPattern("*latency*"))],
                    staleAfter: .after(.seconds(3 * 3600))),
                Rule(name: "disks-by-hand", match: [("check", try GlobPattern("Disk*"))], staleAfter: .never),
                Rule(name: "numbers", match: [("device", try GlobPattern("4?"))], staleAfter: .after(.seconds(60))),
            ])
    }

    func payload(_ text: String) throws -> JSONObject {
        try #require(try JSONParser.parse(text).objectValue)
    }

    @Test(arguments: [
        (#"{"service":"payments-api","check":"p99 latency"}"#, Int64(3 * 3600 - 1), "payments", false),
        (#"{"service":"payments-api","check":"p99 latency"}"#, Int64(3 * 3600), "payments", true),
        (#"{"service":"payments-api","check":"errors"}"#, Int64(3600), "default", true),
        (#"{"host":"db-1","check":"Disk full"}"#, Int64(400 * 86400), "disks-by-hand", false),
        (#"{"host":"x","check":"cpu"}"#, Int64(3599), "default", false),
        (#"{"host":"x","check":"cpu"}"#, Int64(3600), "default", true),
        (#"{"device":42}"#, Int64(60), "numbers", true),
        (#"{"device":420}"#, Int64(60), "default", false),
    ])
    func decides(text: String, silence: Int64, rule: String, stale: Bool) throws {
        let decision = try policy().decide(payload: try payload(text), lastReceived: now - silence, now: now)
        #expect(decision.rule == rule)
        #expect(decision.isStale == stale)
    }

    @Test func reasonReadsLikeTheSpec() throws {
        let decision = try policy().decide(
            payload: try payload(#"{"service":"payments-x","check":"latency"}"#), lastReceived: now - 11_520, now: now)
        #expect(decision.reason == #"no notification for 3h12m (rule "payments", stale after 3h)"#)
        #expect(decision.staleAt == nil)
        let kept = try policy().decide(payload: try payload(#"{"host":"h"}"#), lastReceived: now - 600, now: now)
        #expect(kept.staleAt == now + 3000)
    }

    @Test func longestFiniteStaleAfterIgnoresNever() throws {
        #expect(try policy().longestFiniteStaleAfter == .seconds(3 * 3600))
    }

    @Test func observedSilenceCountsOnlyWhileTheFeedWasAlive() throws {
        // Forwarded at 10:00; relay alive 09:00-10:10 (last heartbeat 10:09:30), down until 11:10.
        let t10 = now
        let feed = FeedLiveness(runs: [(first: t10 - 3600, last: t10 + 570)])
        let policy = StalenessPolicy(defaultStaleAfter: .after(.seconds(3600)))
        let decision = policy.decide(payload: JSONObject(), lastReceived: t10, now: t10 + 4200, feed: feed)
        #expect(decision.silence == .seconds(600))
        #expect(!decision.isStale)
        let plain = policy.decide(payload: JSONObject(), lastReceived: t10, now: t10 + 4200)
        #expect(plain.isStale)
    }

    @Test func livenessMergesRunsAndSkipsGaps() {
        let feed = FeedLiveness(
            runs: [(first: 100, last: 200), (first: 150, last: 300), (first: 1000, last: 1100)], period: .seconds(30))
        #expect(feed.intervals.count == 2)
        #expect(feed.aliveSeconds(from: 0, to: 2000) == (330 - 100) + (1130 - 1000))
        #expect(feed.aliveSeconds(from: 320, to: 1010) == 20)
    }
}
