import Alerts
import Logging
import Staleness
import Testing

@testable import Ledger
@testable import SQLiteLedger
@testable import Sweep

/// The select stage without a report of kept alerts reads only the alerts that can be stale, and
/// must count and choose exactly as the full scan does.
@Suite struct SweeperSelectTests {
    /// Alerts silent for 30 minutes to 8 hours, under three rules and the default.
    static func fixture() throws -> SweepFixture {
        let fixture = try SweepFixture()
        let hours: [Int64] = [0, 1, 2, 4, 8]
        for (index, hour) in hours.enumerated() {
            for prefix in ["web", "slow", "never", "quick"] {
                try fixture.record(
                    host: "\(prefix)-\(index)", appKey: index % 2 == 0 ? "k1" : "k2", ago: hour * 3600 + 1800)
            }
        }
        return fixture
    }

    static func policy() throws -> StalenessPolicy {
        StalenessPolicy(
            defaultStaleAfter: .after(.seconds(3 * 3600)),
            rules: [
                Rule(
                    name: "slow", match: [("host", try GlobPattern("slow-*"))], staleAfter: .after(.seconds(6 * 3600))),
                Rule(name: "never", match: [("host", try GlobPattern("never-*"))], staleAfter: .never),
                Rule(name: "quick", match: [("host", try GlobPattern("quick-*"))], staleAfter: .after(.seconds(3600))),
            ])
    }

    func run(
        _ fixture: SweepFixture, reportKept: Bool, policy: StalenessPolicy? = nil, appKey: String? = nil,
        feed: FeedLiveness? = nil, auto: AutoResolver? = nil
    ) async throws -> SweepReport {
        var options = SweepOptions(now: SweepFixture.now, policy: try policy ?? Self.policy())
        options.dryRun = true
        options.force = true
        options.appKey = appKey
        options.reportKept = reportKept
        let sweeper = Sweeper(
            ledger: fixture.ledger, options: options, client: nil, logger: Logger(label: "test"), feed: feed,
            wallClock: { SweepFixture.now })
        sweeper.auto = auto
        return try await sweeper.run()
    }

    func chosen(_ report: SweepReport) -> [String] {
        report.actions.filter { $0.action == .wouldResolve }.map(\.identity).sorted()
    }

    @Test func onlyTheCandidatesAreReadAndTheCountsStayExact() async throws {
        let fixture = try Self.fixture()
        // The feed was observed alive only in the last 5 hours: observed silence is shorter than elapsed.
        let feed = FeedLiveness(runs: [(first: SweepFixture.now - 5 * 3600, last: SweepFixture.now)])
        for (appKey, feed) in [(nil, nil), ("k2", nil), (nil, feed)] as [(String?, FeedLiveness?)] {
            let full = try await run(fixture, reportKept: true, appKey: appKey, feed: feed)
            let candidates = try await run(fixture, reportKept: false, appKey: appKey, feed: feed)
            #expect(candidates.open == full.open)
            #expect(candidates.stale == full.stale)
            #expect(chosen(candidates) == chosen(full))
            #expect(!chosen(full).isEmpty)
            #expect(full.actions.contains { $0.action == .kept })
            #expect(!candidates.actions.contains { $0.action == .kept }, "kept alerts are counted, not listed")
        }
        let full = try await run(fixture, reportKept: true)
        #expect(full.open == 20)
        #expect(chosen(full).count == 7)
    }

    @Test func underAutoEveryOpenAlertIsStillJudged() async throws {
        let fixture = try Self.fixture()
        // A definition that can never notify again makes even the freshest alert stale at once.
        let policy = StalenessPolicy(defaultStaleAfter: .auto)
        let report = try await run(
            fixture, reportKept: false, policy: policy, auto: { _, _, _ in .staleNow(reason: "gone") })
        #expect(report.open == 20)
        #expect(report.stale == 20)
    }

    @Test func whenEveryRuleIsNeverNothingIsReadButOpenIsCounted() async throws {
        let fixture = try Self.fixture()
        let report = try await run(fixture, reportKept: false, policy: StalenessPolicy(defaultStaleAfter: .never))
        #expect(report.open == 20)
        #expect(report.stale == 0)
    }
}

/// An alert kept before any rule is read carries no rule (nil), never a rule's name.
@Suite struct SweeperKeptWithoutRuleTests {
    @Test func aPendingForwardAndAnUnreadablePayloadAreKeptUnderNoRule() async throws {
        let fixture = try SweepFixture()
        try fixture.record(host: "web-stale", ago: 7200)
        try fixture.record(host: "web-fresh", ago: 60)
        try fixture.record(host: "unreadable", ago: 7200)
        let waiting = try Alert.validate(
            try JSONParser.parse(#"{"app_key":"k1","status":"critical","host":"waiting","check":"cpu"}"#),
            defaultAppKey: nil)
        try fixture.ledger.record(
            [IncomingEvent(alert: waiting, receivedAt: SweepFixture.now - 7200, forward: "{}")],
            recordedAt: SweepFixture.now - 7200)
        try fixture.ledger.database.execute(
            """
            UPDATE events SET payload = '{not json'
            WHERE alert_id = (SELECT id FROM alerts WHERE display = 'host=unreadable check=cpu')
            """)
        // A rule that reads `host`, so the payload is parsed.
        var options = SweepOptions(
            now: SweepFixture.now,
            policy: StalenessPolicy(
                defaultStaleAfter: .after(.seconds(3600)),
                rules: [
                    Rule(name: "web", match: [("host", try GlobPattern("web-*"))], staleAfter: .after(.seconds(3600)))
                ]))
        options.dryRun = true
        options.reportKept = true
        let report = try await Sweeper(
            ledger: fixture.ledger, options: options, client: nil, logger: Logger(label: "test"),
            wallClock: { SweepFixture.now }
        ).run()
        let byHost = Dictionary(uniqueKeysWithValues: report.actions.map { ($0.identity, $0) })
        #expect(byHost.count == 4)
        #expect(byHost["host=web-stale check=cpu"]?.action == .wouldResolve)
        #expect(byHost["host=web-stale check=cpu"]?.rule == "web")
        #expect(byHost["host=web-fresh check=cpu"]?.action == .kept)
        #expect(byHost["host=web-fresh check=cpu"]?.rule == "web")
        for host in ["waiting", "unreadable"] {
            let action = try #require(byHost["host=\(host) check=cpu"])
            #expect(action.action == .kept)
            #expect(action.rule == nil, "\(host) is kept before any rule is read")
        }
        #expect(byHost["host=waiting check=cpu"]?.reason.contains("outbox") == true)
        #expect(byHost["host=unreadable check=cpu"]?.reason.contains("cannot be read") == true)
    }
}

/// Building a batch's `ok`s, which a child task does off the ledger's task.
@Suite struct SweeperBodyTests {
    @Test func anUnreadablePayloadIsLeftOutAndNamed() throws {
        let good = #"{"app_key":"k1","status":"critical","host":"a","check":"cpu"}"#
        let batch = Sweeper.Batch(
            index: 0, appKey: "k1",
            sources: [
                .init(payloadText: "{not json", timestamp: 10, reason: "stale", lastReceived: 1),
                .init(payloadText: good, timestamp: 20, reason: "stale", lastReceived: 2),
            ],
            entries: [(0, 10), (1, 20)])
        let built = Sweeper.body(for: batch)
        #expect(built.unreadable == [0])
        let object = try JSONParser.parse(built.body).objectValue
        guard case .array(let alerts)? = object?["alerts"] else {
            Issue.record("no alerts array")
            return
        }
        #expect(alerts.count == 1)
        #expect(alerts.first?.objectValue?["host"]?.stringValue == "a")
        #expect(alerts.first?.objectValue?["timestamp"] == .integer(20))
    }
}
