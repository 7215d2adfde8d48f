import Alerts
import AlertsStandIn
import BigPanda
import Curl
import Logging
import Redaction
import TestSupport
import Testing

/// The activities and comments endpoints at the wire: a server that ignores paging or answers nonsense,
/// and the stand-in's own checks of what it is sent.
@Suite struct IncidentsActivitiesWireTests {
    static let key = "BPU-wire-test-key-5"

    /// A loopback server whose activities answer for `page` is `pages(page)`, the request targets it
    /// saw, and a client for it asking for 5 activities a page.
    struct Scripted {
        let server: StandInLoopback
        let curl: CurlClient
        let client: IncidentsClient
        let targets = Recorder<[String]>([])

        init(_ pages: @escaping @Sendable (_ page: Int) -> String) throws {
            let targets = self.targets
            server = try StandInLoopback(serving: AlertsStandIn(token: "org", apiKey: IncidentsActivitiesWireTests.key))
            { _, request in
                targets.update { $0.append(request.path) }
                let parameters = request.path.split(separator: "?").last?.split(separator: "&") ?? []
                let page = parameters.first { $0.hasPrefix("page=") }.flatMap { Int($0.dropFirst(5)) } ?? 1
                return .json(200, pages(page))
            }
            curl = try CurlClient(options: CurlClientOptions(userAgent: "test"))
            client = IncidentsClient(
                options: IncidentsClientOptions(
                    apiURL: server.baseURL, apiKey: Secret(IncidentsActivitiesWireTests.key), environmentID: "env-1",
                    requestsPerSecond: 0, activitiesPerPage: 5),
                curl: curl, logger: Logger(label: "test"))
        }

        func stop() {
            curl.shutdown()
            server.stop()
        }
    }

    static func page(ids: Range<Int>, withIDs: Bool = true) -> String {
        let items = ids.map { index in
            (withIDs ? #"{"id":"a\#(index)","# : "{") + #""type":"incident_tag_updated","created_at":\#(index)}"#
        }
        return "[" + items.joined(separator: ",") + "]"
    }

    @Test func theFeedIsReadFromItsOwnPathWithTheKeysPaging() async throws {
        let scripted = try Scripted { page in page == 1 ? Self.page(ids: 0..<5) : Self.page(ids: 5..<7) }
        defer { scripted.stop() }
        let activities = try await scripted.client.activities(incidentID: "65a4f1c2e3b4a5d6c7e8f901/x")
        #expect(activities.count == 7)
        #expect(
            scripted.targets.value == [
                "/resources/v2.0/incidents/65a4f1c2e3b4a5d6c7e8f901%2Fx/activities?page=1&per_page=5",
                "/resources/v2.0/incidents/65a4f1c2e3b4a5d6c7e8f901%2Fx/activities?page=2&per_page=5",
            ])
    }

    @Test func aServerThatIgnoresThePageEndsTheReadWhenNothingIsNew() async throws {
        let scripted = try Scripted { _ in Self.page(ids: 0..<5) }
        defer { scripted.stop() }
        let activities = try await scripted.client.activities(incidentID: "i")
        #expect(activities.compactMap(\.id) == ["a0", "a1", "a2", "a3", "a4"])
        #expect(scripted.targets.value.count == 2)
    }

    @Test func aFeedLongerThanThePageLimitIsAnErrorNotAPartialAnswer() async throws {
        let scripted = try Scripted { page in Self.page(ids: (page - 1) * 5..<page * 5, withIDs: page % 2 == 0) }
        defer { scripted.stop() }
        do {
            let activities = try await scripted.client.activities(incidentID: "i")
            Issue.record("read \(activities.count) activities of an endless feed")
        } catch {
            #expect(error == .failed(status: 200, message: "incident i has more than 250 activities"))
        }
        #expect(scripted.targets.value.count == IncidentsClientOptions.maxActivityPages)
    }

    @Test(arguments: [#"{"data":[]}"#, "not json", #"{"activities":"none"}"#])
    func anAnswerWithoutAListIsAFailure(body: String) async throws {
        let scripted = try Scripted { _ in body }
        defer { scripted.stop() }
        do {
            _ = try await scripted.client.activities(incidentID: "i")
            Issue.record("an answer without a list was read")
        } catch {
            guard case .failed(let status, _) = error else {
                Issue.record("expected a failure, got \(error)")
                return
            }
            #expect(status == 200)
        }
        #expect(scripted.targets.value.count == 1, "an unreadable answer is not retried")
    }

    /// Sends one request straight to the stand-in.
    static func send(
        _ standIn: AlertsStandIn, _ method: String, _ path: String, body: String = "",
        contentType: String = "application/json"
    ) async throws -> (status: Int, body: String) {
        let server = try StandInLoopback(serving: standIn)
        defer { server.stop() }
        let curl = try CurlClient(options: CurlClientOptions(userAgent: "test"))
        defer { curl.shutdown() }
        let response = try await curl.send(
            HTTPRequest(
                method: method, url: server.baseURL + path,
                headers: [HTTPHeader("Authorization", "Bearer \(key)"), HTTPHeader("Content-Type", contentType)],
                body: Array(body.utf8), timeout: .seconds(5)))
        return (response.status, String(decoding: response.body, as: UTF8.self))
    }

    @Test(
        arguments: [
            ("POST", "/resources/v2.0/environments/env-1/incidents/inc-1/comments", #"{"comment":"ok"}"#, 201),
            ("POST", "/resources/v2.0/environments/env-1/incidents/inc-1/comments", #"{"text":"ok"}"#, 400),
            ("POST", "/resources/v2.0/environments/env-1/incidents/inc-1/comments", #"{"comment":""}"#, 400),
            ("POST", "/resources/v2.0/environments/env-1/incidents/inc-1/comments", #"{"comment":7}"#, 400),
            ("POST", "/resources/v2.0/environments/env-1/incidents/inc-1/comments", "comment=ok", 400),
            ("POST", "/resources/v2.0/environments/env-2/incidents/inc-1/comments", #"{"comment":"ok"}"#, 404),
            ("POST", "/resources/v2.0/environments/env-1/incidents/inc-9/comments", #"{"comment":"ok"}"#, 404),
            ("GET", "/resources/v2.0/environments/env-1/incidents/inc-1/comments", "", 404),
            ("GET", "/resources/v2.0/incidents/inc-1/activities", "", 200),
            ("GET", "/resources/v2.0/incidents/inc-1/activities?per_page=100&page=2", "", 200),
            ("GET", "/resources/v2.0/incidents/inc-1/activities?per_page=101", "", 400),
            ("GET", "/resources/v2.0/incidents/inc-1/activities?page=0", "", 400),
            ("GET", "/resources/v2.0/incidents/inc-9/activities", "", 404),
            ("GET", "/resources/v2.0/environments/env-1/incidents/inc-1/activities", "", 404),
            ("POST", "/resources/v2.0/incidents/inc-1/activities", "", 405),
        ] as [(String, String, String, Int)])
    func theStandInChecksWhatItIsSent(method: String, path: String, body: String, status: Int) async throws {
        let standIn = AlertsStandIn(token: "org", apiKey: Self.key)
        standIn.seed([
            StandInAlert(
                id: "1", sourceSystem: "logzio.x", tags: [("host", .string("h"))], primaryProperty: "host",
                secondaryProperty: nil, lastEventAt: 1_800_000_000)
        ])
        let answer = try await Self.send(standIn, method, path, body: body)
        #expect(answer.status == status, "\(answer.body)")
        #expect(standIn.comments.count == (status == 201 ? 1 : 0))
    }

    @Test func theStandInWantsJSONAndNarrowsTheFeedByType() async throws {
        let standIn = AlertsStandIn(token: "org", apiKey: Self.key)
        standIn.seed([
            StandInAlert(
                id: "1", sourceSystem: "logzio.x", tags: [("host", .string("h"))], primaryProperty: "host",
                secondaryProperty: nil, lastEventAt: 1_800_000_000)
        ])
        let path = "/resources/v2.0/environments/env-1/incidents/inc-1/comments"
        let plain = try await Self.send(standIn, "POST", path, body: #"{"comment":"ok"}"#, contentType: "text/plain")
        #expect(plain.status == 415)
        standIn.addActivity(incidentID: "inc-1", type: "incident_assigned", at: 1)
        standIn.addActivity(incidentID: "inc-1", type: "incident_snoozed", at: 2)
        standIn.addActivity(incidentID: "inc-1", type: "incident_unassigned", at: 3)
        let narrowed = try await Self.send(
            standIn, "GET", "/resources/v2.0/incidents/inc-1/activities?types=incident_assigned,incident_unassigned")
        let items = try JSONParser.parse(narrowed.body).objectValue?["activities"]
        guard case .array(let list)? = items else {
            Issue.record("no activities in \(narrowed.body)")
            return
        }
        #expect(
            list.compactMap { $0.objectValue?["type"]?.stringValue } == ["incident_unassigned", "incident_assigned"])
        #expect(try JSONParser.parse(narrowed.body).objectValue?["total"] == .integer(2))
    }
}
