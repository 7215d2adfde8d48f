import Alerts
import BigPanda
import Ledger
import Staleness
import Synchronization
import Testing

@testable import Sweep

/// BigPanda's Incidents API as the sweep sees it: a fixed search answer, activities per incident, and
/// the requests made.
final class FakePeople: IncidentsAPI {
    struct State {
        var alerts: [IncidentAlert] = []
        var activities: [String: [IncidentActivity]] = [:]
        var searchFails = false
        var activitiesFail = false
        var commentStatus: Int?
        var searches = 0
        var activityReads: [String] = []
        var comments: [(incident: String, text: String)] = []
        var resolved: [[String]] = []
    }

    let state = Mutex(State())

    func search(query: String?) async throws(IncidentsError) -> IncidentSearch {
        let (alerts, fails) = state.withLock { state in
            state.searches += 1
            return (state.alerts, state.searchFails)
        }
        if fails { throw .failed(status: 503, message: "HTTP 503: down") }
        return IncidentSearch(alerts: alerts, total: alerts.count, incidentsRead: alerts.count, truncated: false)
    }

    func resolve(ids: [String], comments: String) async throws(IncidentsError) -> (status: Int, attempts: Int) {
        state.withLock { $0.resolved.append(ids) }
        return (202, 1)
    }

    func activities(incidentID: String) async throws(IncidentsError) -> [IncidentActivity] {
        let (feed, fails) = state.withLock { state in
            state.activityReads.append(incidentID)
            return (state.activities[incidentID] ?? [], state.activitiesFail)
        }
        if fails { throw .failed(status: 500, message: "HTTP 500: down") }
        return feed
    }

    func comment(incidentID: String, text: String) async throws(IncidentsError) -> (status: Int, attempts: Int) {
        let status = state.withLock { state in
            state.comments.append((incidentID, text))
            return state.commentStatus
        }
        if let status { throw .failed(status: status, message: "HTTP \(status): no") }
        return (201, 1)
    }

    /// BigPanda's alert for `host=<host> check=cpu`, in incident `inc-<host>`.
    static func remote(
        _ host: String, snooze: IncidentSnooze? = nil, maintenance: JSONValue? = nil, plans: [MaintenancePlan] = []
    ) -> IncidentAlert {
        IncidentAlert(
            id: "bp-\(host)", incidentID: "inc-\(host)", status: "critical", active: true, sourceSystem: "logzio.test",
            primaryProperty: "host", secondaryProperty: "check",
            tags: [("host", .string(host)), ("check", .string("cpu"))],
            incidentKey: nil, lastEventAt: SweepFixture.now - 7200, incidentSnooze: snooze,
            incidentMaintenance: maintenance, maintenancePlans: plans)
    }
}

@Suite struct SweeperPeopleTests {
    /// A sweep whose default rule keeps alerts for `holds`, with comments `on` or off.
    func sweeper(
        _ fixture: SweepFixture, _ sender: FakeSender, _ people: FakePeople, holds: Set<IncidentHold>,
        comments: Bool = true, configure: (inout PeopleSettings) -> Void = { _ in }
    ) -> Sweeper {
        let sweeper = fixture.sweeper(sender) { $0.blastRadius.maxResolveFraction = 1 }
        var settings = PeopleSettings(keepWhen: { _ in holds }, usesHolds: !holds.isEmpty)
        settings.commentOnClose = comments
        configure(&settings)
        sweeper.people = settings
        sweeper.incidents = people
        return sweeper
    }

    @Test func aSnoozedIncidentKeepsItsAlertAndALiftedSnoozeLetsItClose() async throws {
        let fixture = try SweepFixture()
        try fixture.record(host: "snoozed", ago: 7200)
        try fixture.record(host: "lifted", ago: 7200)
        let people = FakePeople()
        people.state.withLock {
            $0.alerts = [
                FakePeople.remote("snoozed", snooze: IncidentSnooze(snoozed: true, endTime: SweepFixture.now + 600)),
                FakePeople.remote("lifted", snooze: IncidentSnooze(snoozed: true, endTime: SweepFixture.now - 600)),
            ]
        }
        let sender = FakeSender()
        let report = try await sweeper(fixture, sender, people, holds: [.snoozed]).run()
        #expect(report.resolved == 1)
        let kept = try #require(report.actions.first { $0.identity == "host=snoozed check=cpu" })
        #expect(kept.action == .kept)
        #expect(kept.heldBy == .snoozed)
        #expect(kept.reason.hasPrefix("kept: incident inc-snoozed is snoozed until"), "\(kept.reason)")
        #expect(report.keptByPeople == [.snoozed: 1])
        #expect(try fixture.states()["host=lifted check=cpu"] == .resolved)
        #expect(people.state.withLock { $0.activityReads }.isEmpty, "a snooze needs no activities")
    }

    @Test(arguments: [IncidentHold.maintenance, .assigned, .commented])
    func eachHoldKeepsWhileItLasts(hold: IncidentHold) async throws {
        let fixture = try SweepFixture()
        try fixture.record(host: "held", ago: 7200)
        let people = FakePeople()
        let now = SweepFixture.now + 5
        people.state.withLock { state in
            switch hold {
            case .maintenance:
                state.alerts = [FakePeople.remote("held", plans: [MaintenancePlan(start: now - 60, end: now + 60)])]
            case .assigned:
                state.alerts = [FakePeople.remote("held")]
                state.activities["inc-held"] = [
                    IncidentActivity(type: IncidentActivity.assigned, createdAt: now - 86_400, actorType: "user")
                ]
            case .commented, .snoozed:
                state.alerts = [FakePeople.remote("held")]
                state.activities["inc-held"] = [
                    IncidentActivity(type: IncidentActivity.commented, createdAt: now - 60, actorType: "user")
                ]
            }
        }
        let report = try await sweeper(fixture, FakeSender(), people, holds: [hold]).run()
        #expect(report.resolved == 0)
        #expect(report.actions.first?.heldBy == hold)
        #expect(report.keptByPeople[hold] == 1)
    }

    @Test func theToolsOwnCommentNeverHoldsTheNextRun() async throws {
        let fixture = try SweepFixture()
        try fixture.record(host: "web", ago: 7200)
        let people = FakePeople()
        people.state.withLock {
            $0.alerts = [FakePeople.remote("web")]
            $0.activities["inc-web"] = [
                IncidentActivity(type: IncidentActivity.commented, createdAt: SweepFixture.now, actorType: "api")
            ]
        }
        let report = try await sweeper(fixture, FakeSender(), people, holds: [.commented]).run()
        #expect(report.resolved == 1)
    }

    @Test func activitiesAreReadOnlyForIncidentsAboutToBeClosed() async throws {
        let fixture = try SweepFixture()
        try fixture.record(host: "stale", ago: 7200)
        try fixture.record(host: "fresh", ago: 60)
        try fixture.record(host: "snoozed", ago: 7200)
        let people = FakePeople()
        people.state.withLock {
            $0.alerts = [
                FakePeople.remote("stale"), FakePeople.remote("fresh"),
                FakePeople.remote("snoozed", snooze: IncidentSnooze(snoozed: true)),
            ]
        }
        _ = try await sweeper(fixture, FakeSender(), people, holds: [.snoozed, .assigned]).run()
        // The fresh alert is not stale, and the snoozed one is held by what the search said.
        #expect(people.state.withLock { $0.activityReads } == ["inc-stale"])
        #expect(people.state.withLock { $0.searches } == 1)
    }

    @Test func noIncidentsRequestWhenNoRuleKeepsAndCommentsAreOff() async throws {
        let fixture = try SweepFixture()
        try fixture.record(host: "stale", ago: 7200)
        let people = FakePeople()
        let report = try await sweeper(fixture, FakeSender(), people, holds: [], comments: false).run()
        #expect(report.resolved == 1)
        #expect(people.state.withLock { ($0.searches, $0.activityReads.count, $0.comments.count) } == (0, 0, 0))
        // Nothing to close: no search even with holds and comments.
        let quiet = try SweepFixture()
        try quiet.record(host: "fresh", ago: 60)
        _ = try await sweeper(quiet, FakeSender(), people, holds: [.snoozed]).run()
        #expect(people.state.withLock { $0.searches } == 0)
    }

    @Test func oneCommentPerIncidentOnlyAfterBigPandaTookTheOks() async throws {
        let fixture = try SweepFixture()
        for host in ["a", "b"] { try fixture.record(host: host, ago: 7200) }
        try fixture.record(host: "refused", appKey: "k2", ago: 7200)
        let people = FakePeople()
        people.state.withLock { state in
            // Two alerts of one incident, and one whose ok BigPanda refuses.
            state.alerts = [FakePeople.remote("a"), FakePeople.remote("b"), FakePeople.remote("refused")]
            state.alerts[1].incidentID = "inc-a"
        }
        let sender = FakeSender { number in
            number == 2
                ? DeliveryResult(outcome: .permanent, httpStatus: 400, attempts: 1, message: "HTTP 400: bad")
                : DeliveryResult(outcome: .delivered, httpStatus: 201, attempts: 1, message: nil)
        }
        let report = try await sweeper(fixture, sender, people, holds: []).run()
        let comments = people.state.withLock { $0.comments }
        #expect(comments.map(\.incident) == ["inc-a"], "one per incident, none for the refused ok")
        #expect(comments.first?.text.hasPrefix("logzio-resolver closed 2 alerts: host=a check=cpu (") == true)
        #expect(comments.first?.text.contains("; host=b check=cpu (no notification for 2h") == true)
        #expect(report.comments == 1)
    }

    @Test func commentsAreCutCappedAndTheirFailuresNeverFailTheCloses() async throws {
        let fixture = try SweepFixture()
        for index in 0..<30 { try fixture.record(host: "h\(index)-" + String(repeating: "x", count: 80), ago: 7200) }
        try fixture.record(host: "other", ago: 7200)
        let people = FakePeople()
        people.state.withLock { state in
            state.alerts = (0..<30).map { FakePeople.remote("h\($0)-" + String(repeating: "x", count: 80)) }
            for index in state.alerts.indices { state.alerts[index].incidentID = "inc-big" }
            state.alerts.append(FakePeople.remote("other"))
        }
        let report = try await sweeper(fixture, FakeSender(), people, holds: []) { $0.maxComments = 1 }.run()
        #expect(report.resolved == 31)
        let comments = people.state.withLock { $0.comments }
        #expect(comments.count == 1, "at most max_comments_per_run")
        let text = try #require(comments.first?.text)
        #expect(text.count <= 2_000)
        #expect(
            text.wholeMatch(of: /logzio-resolver closed 30 alerts: .*; … and \d+ more/) != nil, "\(text.suffix(40))")

        let failing = try SweepFixture()
        for host in ["a", "b"] { try failing.record(host: host, ago: 7200) }
        let down = FakePeople()
        down.state.withLock {
            $0.alerts = [FakePeople.remote("a"), FakePeople.remote("b")]
            $0.commentStatus = 403
        }
        let closed = try await sweeper(failing, FakeSender(), down, holds: []).run()
        #expect(closed.resolved == 2, "a comment that fails never undoes a close")
        #expect(closed.commentFailures == 2, "a refused comment does not stop the others")
        #expect(closed.errors.isEmpty)
    }

    @Test func theIncidentsAPIDownKeepsTheKeepWhenAlertsAndClosesTheOthers() async throws {
        let fixture = try SweepFixture()
        try fixture.record(host: "guarded", ago: 7200)
        try fixture.record(host: "plain", ago: 7200)
        let people = FakePeople()
        people.state.withLock { $0.searchFails = true }
        let guarded = Rule(
            name: "guarded", match: [("host", try GlobPattern("guarded"))], staleAfter: .after(.seconds(3600)))
        let sweeper = fixture.sweeper(FakeSender()) {
            $0.blastRadius.maxResolveFraction = 1
            $0.policy = StalenessPolicy(rules: [guarded])
        }
        sweeper.incidents = people
        var settings = PeopleSettings(keepWhen: { $0 == "guarded" ? [.snoozed] : [] }, usesHolds: true)
        settings.commentOnClose = false
        sweeper.people = settings
        let report = try await sweeper.run()
        #expect(report.incidentsUnread)
        #expect(report.resolved == 1)
        #expect(try fixture.states()["host=plain check=cpu"] == .resolved)
        let kept = try #require(report.actions.first { $0.identity == "host=guarded check=cpu" })
        #expect(kept.action == .kept && kept.reason == PeopleSettings.unreadable && kept.heldBy == nil)
        #expect(report.errors.contains { $0.contains("could not be read") })
    }
}
