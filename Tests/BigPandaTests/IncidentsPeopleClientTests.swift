import Alerts
import AlertsStandIn
import BigPanda
import Curl
import Logging
import Redaction
import TestSupport
import Testing

/// The Incidents client's reads of what people did (snoozes, maintenance, activities) and its comments,
/// against the stand-in over the loopback server.
@Suite(.timingSensitive) struct IncidentsPeopleClientTests {
    static let key = "BPU-people-test-key-31"
    static let t0: Int64 = 1_800_000_000

    /// A stand-in with alerts "0" to "count - 1" (incidents "inc-0" …), served on loopback, and a
    /// client for it with a fast backoff. The deadline is long, so a loaded machine does not end a
    /// retry that the test expects to succeed.
    struct Fixture {
        let standIn: AlertsStandIn
        let server: StandInLoopback
        let curl: CurlClient
        let client: IncidentsClient

        init(alerts count: Int = 1, key: String = IncidentsPeopleClientTests.key, deadline: Double = 60) throws {
            standIn = AlertsStandIn(token: "org", apiKey: IncidentsPeopleClientTests.key)
            standIn.seed(
                (0..<count).map { index in
                    StandInAlert(
                        id: String(index), sourceSystem: "logzio.x", tags: [("host", .string("h\(index)"))],
                        primaryProperty: "host", secondaryProperty: nil, lastEventAt: IncidentsPeopleClientTests.t0)
                })
            server = try StandInLoopback(serving: standIn)
            curl = try CurlClient(options: CurlClientOptions(userAgent: "test"))
            let options = IncidentsClientOptions(
                apiURL: server.baseURL + "/", apiKey: Secret(key), environmentID: "env-1", requestsPerSecond: 0,
                deadline: .seconds(deadline), backoffBase: .milliseconds(20), backoffCap: .milliseconds(100))
            client = IncidentsClient(options: options, curl: curl, logger: Logger(label: "test"))
        }

        func stop() {
            curl.shutdown()
            server.stop()
        }
    }

    /// The status and text of a refusal or failure, or nil when the call did not throw.
    static func status<T>(
        _ call: () async throws(IncidentsError) -> T
    ) async -> (refused: Bool, status: Int?, text: String)? {
        do {
            _ = try await call()
            return nil
        } catch {
            switch error {
            case .refused(let status, let text): return (true, status, text)
            case .failed(let status, let message): return (false, status, message)
            }
        }
    }

    @Test func theSearchCarriesSnoozeMaintenanceAndPlans() async throws {
        let fixture = try Fixture(alerts: 4)
        defer { fixture.stop() }
        let standIn = fixture.standIn
        standIn.snooze(incidentID: "inc-0", until: Self.t0 + 600)
        standIn.setMaintenance(incidentID: "inc-1", .string("partial"))
        standIn.setMaintenancePlans(
            alertID: "2", [StandInMaintenancePlan(id: "p-1", name: "Nightly", start: Self.t0, end: Self.t0 + 60)])
        standIn.snooze(incidentID: "inc-3", until: nil)
        standIn.unsnooze(incidentID: "inc-3")
        let alerts = try await fixture.client.search(query: nil).alerts
        #expect(alerts.map(\.id) == ["0", "1", "2", "3"])
        #expect(
            alerts[0].incidentSnooze
                == IncidentSnooze(snoozed: true, endTime: Self.t0 + 600, cancelOnIncidentUpdates: false))
        #expect(alerts[0].incidentMaintenance == nil)
        #expect(alerts[1].incidentSnooze == nil, "a null snooze")
        #expect(alerts[1].incidentMaintenance == .string("partial"))
        #expect(
            alerts[2].maintenancePlans == [
                MaintenancePlan(id: "p-1", name: "Nightly", start: Self.t0, end: Self.t0 + 60)
            ])
        #expect(alerts[0].maintenancePlans.isEmpty)
        #expect(alerts[3].incidentSnooze?.snoozed == false, "a lifted snooze")
        let held = alerts.map { IncidentHold.holds(on: $0, activities: [], lastEventAt: Self.t0, now: Self.t0 + 30) }
        #expect(held.map { $0.map(\.hold) } == [[.snoozed], [.maintenance], [.maintenance], []])
    }

    @Test func activitiesAreReadNewestFirstAndDecoded() async throws {
        let fixture = try Fixture()
        defer { fixture.stop() }
        fixture.standIn.addActivity(incidentID: "inc-0", type: "incident_assigned", at: Self.t0 + 10)
        fixture.standIn.addActivity(
            incidentID: "inc-0", type: "incident_commented", at: Self.t0 + 30, by: .api("resolver key"))
        fixture.standIn.addActivity(incidentID: "inc-0", type: "incident_snoozed", at: Self.t0 + 20, by: .user("Eve"))
        let activities = try await fixture.client.activities(incidentID: "inc-0")
        #expect(activities.map(\.type) == ["incident_commented", "incident_snoozed", "incident_assigned"])
        #expect(activities.map(\.createdAt) == [Self.t0 + 30, Self.t0 + 20, Self.t0 + 10])
        #expect(activities.map(\.byPerson) == [false, true, true])
        #expect(activities.map(\.actorName) == ["resolver key", "Eve", "Dana"])
        #expect(activities.map(\.id) == ["act-2", "act-3", "act-1"])
        #expect(
            fixture.standIn.activityRequests == [
                StandInActivityRequest(incidentID: "inc-0", page: 1, perPage: 20, status: 200)
            ])
        #expect(try await fixture.client.activities(incidentID: "inc-0").count == 3, "reading twice changes nothing")
    }

    @Test(
        arguments: [
            (StandInActivitiesEnvelope.activities, 45, [1, 2, 3]),
            (.items, 45, [1, 2, 3]),
            (.bareArray, 45, [1, 2, 3]),
            // A full last page: the total ends the read, and without one an empty page does.
            (.activities, 40, [1, 2]),
            (.items, 40, [1, 2]),
            (.bareArray, 40, [1, 2, 3]),
            (.bareArray, 0, [1]),
        ] as [(StandInActivitiesEnvelope, Int, [Int])])
    func everyPageIsReadWhateverTheEnvelope(envelope: StandInActivitiesEnvelope, count: Int, pages: [Int])
        async throws
    {
        let fixture = try Fixture()
        defer { fixture.stop() }
        fixture.standIn.setActivitiesEnvelope(envelope)
        for index in 0..<count {
            fixture.standIn.addActivity(incidentID: "inc-0", type: "incident_tag_updated", at: Self.t0 + Int64(index))
        }
        let activities = try await fixture.client.activities(incidentID: "inc-0")
        #expect(activities.map(\.createdAt) == (0..<count).reversed().map { Self.t0 + Int64($0) })
        #expect(fixture.standIn.activityRequests.map(\.page) == pages)
        #expect(fixture.standIn.activityRequests.allSatisfy { $0.perPage == 20 })
    }

    @Test(arguments: [(429, 0 as Int?), (500, nil), (503, nil)] as [(Int, Int?)])
    func activitiesAreRetriedOn429And5xx(status: Int, retryAfter: Int?) async throws {
        let fixture = try Fixture()
        defer { fixture.stop() }
        fixture.standIn.addActivity(incidentID: "inc-0", type: "incident_assigned", at: Self.t0)
        fixture.standIn.failActivities(status: status, times: 2, retryAfter: retryAfter)
        let activities = try await fixture.client.activities(incidentID: "inc-0")
        #expect(activities.map(\.type) == ["incident_assigned"])
        #expect(fixture.standIn.activityRequests.map(\.status) == [status, status, 200])
    }

    @Test func activitiesThatFailPastTheDeadlineOrAreRefusedAreTypedErrors() async throws {
        let fixture = try Fixture(deadline: 0.5)
        defer { fixture.stop() }
        fixture.standIn.failActivities(status: 500, times: .max)
        let failed = await Self.status { () async throws(IncidentsError) in
            try await fixture.client.activities(incidentID: "inc-0")
        }
        #expect(failed?.refused == false)
        #expect(failed?.status == 500)
        // How many retries fit in the deadline depends on the machine's load; that they ran does not.
        #expect(failed?.text.contains("still failing at the deadline") == true, "500 is retried")

        fixture.standIn.failActivities(status: 403, times: 1)
        let before = fixture.client.requestCount
        let forbidden = await Self.status { () async throws(IncidentsError) in
            try await fixture.client.activities(incidentID: "inc-0")
        }
        #expect(forbidden?.refused == true && forbidden?.status == 403)
        #expect(fixture.client.requestCount == before + 1, "a 403 is not retried")

        let unknown = await Self.status { () async throws(IncidentsError) in
            try await fixture.client.activities(incidentID: "inc-404")
        }
        #expect(unknown?.refused == true && unknown?.status == 404)

        let wrongKey = try Fixture(key: "BPU-someone-else")
        defer { wrongKey.stop() }
        let unauthorized = await Self.status { () async throws(IncidentsError) in
            try await wrongKey.client.activities(incidentID: "inc-0")
        }
        #expect(unauthorized?.refused == true && unauthorized?.status == 401)
        #expect(wrongKey.client.requestCount == 1)
    }

    @Test func aCommentIsPostedOnTheIncidentAndComesBackAsTheAPIs() async throws {
        let fixture = try Fixture(alerts: 2)
        defer { fixture.stop() }
        let text = "logzio-resolver closed 1 alert: host=h1 check=\"CPU\" (no notification for 3h12m) — é"
        let result = try await fixture.client.comment(incidentID: "inc-1", text: text)
        #expect(result.status == 201)
        #expect(result.attempts == 1)
        #expect(fixture.standIn.comments.map(\.incidentID) == ["inc-1"])
        #expect(fixture.standIn.comments.map(\.text) == [text])
        let sent = try #require(fixture.standIn.commentRequests.first)
        #expect(try JSONParser.parse(Array(sent.body.utf8)) == .object(JSONObject([("comment", .string(text))])))
        let activities = try await fixture.client.activities(incidentID: "inc-1")
        #expect(activities.map(\.type) == [IncidentActivity.commented])
        #expect(activities.first?.actorType == "api")
        let alert = try #require(try await fixture.client.search(query: nil).alerts.last)
        let held = IncidentHold.holds(on: alert, activities: activities, lastEventAt: 0, now: Self.t0)
        #expect(held.isEmpty, "the tool's own comment never holds")
    }

    @Test(arguments: [401, 403, 404, 400])
    func aCommentRefusedWithA4xxIsNotRetried(status: Int) async throws {
        let fixture = try Fixture(key: status == 401 ? "BPU-someone-else" : Self.key)
        defer { fixture.stop() }
        if status == 403 { fixture.standIn.failComments(status: 403, times: .max) }
        let incident = status == 404 ? "inc-404" : "inc-0"
        let text = status == 400 ? String(repeating: "x", count: 2_001) : "closed"
        let outcome = await Self.status { () async throws(IncidentsError) in
            try await fixture.client.comment(incidentID: incident, text: text)
        }
        #expect(outcome?.status == status)
        #expect(outcome?.refused == (status != 400), "401, 403 and 404 are refusals; a 400 is a failure")
        #expect(fixture.client.requestCount == 1)
        #expect(fixture.standIn.comments.isEmpty)
        if status == 400 {
            #expect(fixture.standIn.commentRequests.map(\.body.count) == [2_001 + #"{"comment":""}"#.count])
        }
    }

    @Test func aCommentOfExactly2000CharactersIsAccepted() async throws {
        let fixture = try Fixture()
        defer { fixture.stop() }
        let text = String(repeating: "é", count: IncidentsClientOptions.maxCommentCharacters)
        _ = try await fixture.client.comment(incidentID: "inc-0", text: text)
        #expect(fixture.standIn.comments.map(\.text.count) == [2_000])
    }

    @Test(arguments: [(500, nil), (502, nil), (429, 0 as Int?)] as [(Int, Int?)])
    func aCommentIsRetriedOn429And5xx(status: Int, retryAfter: Int?) async throws {
        let fixture = try Fixture()
        defer { fixture.stop() }
        fixture.standIn.failComments(status: status, times: 2, retryAfter: retryAfter)
        let result = try await fixture.client.comment(incidentID: "inc-0", text: "closed")
        #expect(result.attempts == 3)
        #expect(result.status == 201)
        #expect(fixture.standIn.commentRequests.map(\.status) == [status, status, 201])
        #expect(fixture.standIn.comments.count == 1)
    }

    @Test func aCommentStillFailingAtTheDeadlineFails() async throws {
        let fixture = try Fixture(deadline: 0.5)
        defer { fixture.stop() }
        fixture.standIn.failComments(status: 500, times: .max)
        let outcome = await Self.status { () async throws(IncidentsError) in
            try await fixture.client.comment(incidentID: "inc-0", text: "closed")
        }
        #expect(outcome?.refused == false && outcome?.status == 500)
        #expect(outcome?.text.contains("still failing at the deadline") == true, "500 is retried")
        #expect(fixture.standIn.comments.isEmpty)
    }
}
