import Alerts
import AlertsStandIn
import BigPanda
import Curl
import Logging
import Redaction
import TestSupport
import Testing

@Suite struct IncidentAlertDecodingTests {
    @Test(
        arguments: [
            (#"{"id":"a1","active":true,"end":5}"#, "a1", true),
            (#"{"alert_id":"a2","active":false}"#, "a2", false),
            (#"{"id":42,"end":null}"#, "42", true),
            (#"{"alert_id":"a4","end":1764237600}"#, "a4", false),
            (#"{"alert_id":"a5"}"#, "a5", true),
            (#"{"id":"a6","alert_id":"ignored","active":true,"unknown":{"x":[1]}}"#, "a6", true),
        ] as [(String, String, Bool)])
    func readsTheIdAndActiveWhicheverWayTheyCome(text: String, id: String, active: Bool) throws {
        let alert = try #require(IncidentAlert.decode(try JSONParser.parse(text), incidentID: "i"))
        #expect(alert.id == id)
        #expect(alert.active == active)
    }

    @Test func readsTagsPropertiesAndTheLastEventTime() throws {
        let text = #"""
            {"id":"a","status":"warning","source_system":"logzio.prod","primary_property":"host",
             "secondary_property":"check","incident_key":"web-1__cpu","start":100,"changed_at":200,
             "tags":[{"name":"host","value":"web-1"},{"name":"check","value":"cpu"},{"name":"n","value":7},{"value":"x"}]}
            """#
        let alert = try #require(IncidentAlert.decode(try JSONParser.parse(text), incidentID: "i"))
        #expect(alert.tags.map(\.name) == ["host", "check", "n"], "a tag without a name is skipped")
        #expect(alert.tag("n") == .number("7"))
        #expect(alert.lastEventAt == 200, "changed_at when last_event_at is missing")
        #expect(alert.sourceSystem == "logzio.prod")
        #expect(alert.incidentKey == "web-1__cpu")
        #expect(IncidentAlert.decode(try JSONParser.parse(#"{"status":"critical"}"#), incidentID: "i") == nil)
    }
}

@Suite(.timingSensitive) struct IncidentsClientTests {
    static let key = "BPU-client-test-key-77"

    func client(_ server: StandInLoopback, deadline: Double = 10) throws -> (CurlClient, IncidentsClient) {
        let curl = try CurlClient(options: CurlClientOptions(userAgent: "test"))
        let options = IncidentsClientOptions(
            apiURL: server.baseURL, apiKey: Secret(Self.key), environmentID: "env-1", requestsPerSecond: 0,
            deadline: .seconds(deadline), backoffBase: .milliseconds(50), backoffCap: .milliseconds(200))
        return (curl, IncidentsClient(options: options, curl: curl, logger: Logger(label: "test")))
    }

    func seeded(_ count: Int, standIn: AlertsStandIn) {
        standIn.seed(
            (0..<count).map { index in
                StandInAlert(
                    id: String(index), sourceSystem: "logzio.x", tags: [("host", .string("h\(index)"))],
                    primaryProperty: "host", secondaryProperty: nil, lastEventAt: 1_764_000_000)
            })
    }

    @Test func readsEveryPageWithSparseFields() async throws {
        let standIn = AlertsStandIn(token: "org", apiKey: Self.key)
        let server = try StandInLoopback(serving: standIn)
        defer { server.stop() }
        seeded(23, standIn: standIn)
        standIn.useSparseAlertFields()
        let (curl, client) = try client(server)
        defer { curl.shutdown() }
        let search = try await client.search(query: "status != \"ok\"")
        let expected = (0..<23).map(String.init)
        #expect(search.alerts.map(\.id) == expected)
        let allActive = search.alerts.allSatisfy { $0.active }
        #expect(allActive, "active is missing and end is null")
        #expect(search.truncated == false)
        #expect(client.requestCount == 3)
        let queries = standIn.searchQueries
        #expect(queries == Array(repeating: "status != \"ok\"", count: 3), "the query is URL-encoded")
    }

    @Test func aSearchCutShortOfItsTotalIsTruncated() async throws {
        let standIn = AlertsStandIn(token: "org", apiKey: Self.key)
        let server = try StandInLoopback(serving: standIn)
        defer { server.stop() }
        seeded(15, standIn: standIn)
        standIn.setMaxSearchResults(10)
        let (curl, client) = try client(server)
        defer { curl.shutdown() }
        let search = try await client.search(query: nil)
        #expect(search.total == 15)
        #expect(search.alerts.count == 10)
        #expect(search.truncated)
    }

    @Test func batchResolutionIsPacedAtOnePerSecondAndCutInto500s() async throws {
        let standIn = AlertsStandIn(token: "org", apiKey: Self.key)
        let server = try StandInLoopback(serving: standIn)
        defer { server.stop() }
        let (curl, client) = try client(server)
        defer { curl.shutdown() }
        let ids = (0..<1_100).map(String.init)
        let clock = ContinuousClock()
        let started = clock.now
        let result = try await client.resolve(ids: ids, comments: "test")
        let elapsed = clock.now - started
        #expect(standIn.resolveRequests.map(\.count) == [500, 500, 100])
        // A 429 from the one-per-second limit would only cost a retry; the pacing leaves a margin so
        // that an unloaded machine never sees one.
        #expect(result.attempts >= 3)
        #expect(elapsed >= .seconds(2.4), "0.8 requests a second")
    }

    @Test func refusalsAndFailuresAreTyped() async throws {
        let standIn = AlertsStandIn(token: "org", apiKey: "another-key")
        let server = try StandInLoopback(serving: standIn)
        defer { server.stop() }
        let (curl, client) = try client(server, deadline: 0.5)
        defer { curl.shutdown() }
        await #expect(throws: IncidentsError.self) { _ = try await client.search(query: nil) }
        do {
            _ = try await client.search(query: nil)
        } catch {
            guard case .refused(let status, _) = error else {
                Issue.record("expected a refusal, got \(error)")
                return
            }
            #expect(status == 401)
            #expect(!error.description.contains(Self.key))
        }

        let failing = try StandInLoopback(serving: AlertsStandIn(token: "org", apiKey: Self.key)) { _, _ in
            .json(503, #"{"error":"down"}"#)
        }
        defer { failing.stop() }
        let (curl2, client2) = try self.client(failing, deadline: 3)
        defer { curl2.shutdown() }
        do {
            _ = try await client2.search(query: nil)
            Issue.record("a search against a 503 succeeded")
        } catch {
            guard case .failed(let status, let message) = error else {
                Issue.record("expected a failure, got \(error)")
                return
            }
            #expect(status == 503)
            #expect(message.contains("still failing at the deadline"))
            #expect(client2.requestCount >= 2, "503 is retried")
        }
    }

    @Test func theStandInRefusesLargePagesWithExpandedAlertsAndASecondResolveWithinASecond() async throws {
        let standIn = AlertsStandIn(token: "org", apiKey: Self.key)
        let server = try StandInLoopback(serving: standIn)
        defer { server.stop() }
        let curl = try CurlClient(options: CurlClientOptions(userAgent: "test"))
        defer { curl.shutdown() }
        let headers = [
            HTTPHeader("Authorization", "Bearer \(Self.key)"), HTTPHeader("Content-Type", "application/json"),
        ]
        let base = server.baseURL + "/resources/v2.0/environments/env-1"
        let page = try await curl.send(
            HTTPRequest(
                method: "GET", url: base + "/incidents?expand=alerts&page_size=11", headers: headers, body: [],
                timeout: .seconds(5)))
        #expect(page.status == 400)
        let body = Array(#"{"ids":["1"],"comments":"c"}"#.utf8)
        // Both at once: one is accepted, the other refused by the one-per-second limit.
        let request = HTTPRequest(
            method: "POST", url: base + "/batch-resolve/alerts", headers: headers, body: body, timeout: .seconds(5))
        async let first = curl.send(request)
        async let second = curl.send(request)
        let statuses = try await [first.status, second.status].sorted()
        #expect(statuses == [202, 429])
        let org = try await curl.send(
            HTTPRequest(
                method: "GET", url: base + "/incidents", headers: [HTTPHeader("Authorization", "Bearer org")], body: [],
                timeout: .seconds(5)))
        #expect(org.status == 401)
    }
}

@Suite(.timingSensitive) struct IncidentsSearchWithoutTotalTests {
    @Test func withoutATotalEveryFullPageIsFollowed() async throws {
        let key = IncidentsClientTests.key
        // 23 incidents of one alert each, answered without `total`.
        let server = try StandInLoopback(serving: AlertsStandIn(token: "org", apiKey: key)) { _, request in
            guard request.path.contains("/incidents?") else { return nil }
            let parameters = request.path.split(separator: "?").last?.split(separator: "&") ?? []
            let page = parameters.first { $0.hasPrefix("page=") }.flatMap { Int($0.dropFirst(5)) } ?? 1
            let ids = (page - 1) * 10..<min(page * 10, 23)
            let items = ids.map { #"{"id":"i\#($0)","alerts":[{"id":"a\#($0)","active":true}]}"# }
            return .json(200, #"{"items":[\#(items.joined(separator: ","))]}"#)
        }
        defer { server.stop() }
        let curl = try CurlClient(options: CurlClientOptions(userAgent: "test"))
        defer { curl.shutdown() }
        let client = IncidentsClient(
            options: IncidentsClientOptions(
                apiURL: server.baseURL, apiKey: Secret(key), environmentID: "env-1", requestsPerSecond: 0),
            curl: curl, logger: Logger(label: "test"))
        let search = try await client.search(query: nil)
        #expect(search.alerts.count == 23)
        #expect(!search.truncated)
        #expect(client.requestCount == 3)
    }
}
