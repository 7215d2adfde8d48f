import Alerts
import Curl
import Logzio
import LogzioStandIn
import Redaction
import Staleness
import TestSupport
import Testing

/// The Logz.io client against the stand-in: success, refused tokens, retries within the budget, faults.
///
/// Serialized, and with slack in every time bound, because CI shares two cores with other builds.
@Suite(.serialized, .timingSensitive) struct LogzioClientTests {
    static let token = "logzio-test-token-5f1c9a"

    /// A stand-in and a client with a fast backoff and a short, injectable retry budget.
    struct Fixture {
        let standIn: LogzioStandIn
        let server: StandInLoopback
        let curl: CurlClient
        let client: LogzioClient

        init(
            token: String = LogzioClientTests.token, retryBudget: Double = 5, timeout: Double = 2,
            definitions: [JSONObject] = StandInDefinition.sampleAccount(), script: StandInLoopback.Script? = nil
        ) throws {
            standIn = LogzioStandIn(token: LogzioClientTests.token, definitions: definitions)
            server = try StandInLoopback(serving: standIn, script: script)
            (curl, client) = try FastLogzioClient.make(
                apiURL: server.baseURL + "/", token: token, retryBudget: retryBudget, timeout: timeout)
        }

        func stop() {
            curl.shutdown()
            server.stop()
        }

        /// Fetches, returning the error instead of throwing it.
        func fetch() async -> Result<DefinitionList, LogzioError> {
            do {
                return .success(try await client.fetchDefinitions())
            } catch {
                return .failure(error)
            }
        }
    }

    static func failure(_ result: Result<DefinitionList, LogzioError>) -> LogzioError? {
        if case .failure(let error) = result { return error }
        return nil
    }

    @Test func fetchesEveryShapeAndSeesADeletion() async throws {
        let fixture = try Fixture()
        defer { fixture.stop() }
        let list = try await fixture.client.fetchDefinitions()
        #expect(list.ids == [101, 102, 103, 104])
        #expect(list.byID[102]?.suppressNotificationsMinutes == 60)
        #expect(list.byID[103]?.cronExpression == "0 0 9 ? * MON-FRI")
        #expect(list.byID[103]?.timeZone == "Europe/Berlin")
        #expect(list.byID[104]?.isEnabled == false)
        #expect(fixture.standIn.requestCount == 1)
        #expect(fixture.standIn.rejections.isEmpty)

        fixture.standIn.removeDefinition(id: 102)
        let later = try await fixture.client.fetchDefinitions()
        #expect(later.ids == [101, 103, 104])
        let outcome = AutoResolution.decide(
            definitionID: 102, idField: "alert_definition_id", definitions: later.byID,
            everListed: list.ids.union(later.ids), parameters: AutoParameters(), now: 1_772_409_600)
        #expect(outcome == .staleNow(reason: "Logz.io alert 102 no longer exists"))
    }

    @Test(arguments: [401, 403])
    func aRefusedTokenIsADistinctErrorWithoutTheToken(status: Int) async throws {
        let wrong = "wrong-token-8d2e77"
        // The stand-in refuses the wrong token itself with 401; 403 is scripted, echoing the token.
        let fixture = try Fixture(token: wrong) { _, request in
            status == 403
                ? .json(403, #"{"message":"token \#(request.header("X-API-TOKEN") ?? "") is forbidden"}"#) : nil
        }
        defer { fixture.stop() }
        let error = try #require(Self.failure(await fixture.fetch()))
        #expect(error.isUnauthorized)
        #expect(error.httpStatus == status)
        #expect(fixture.standIn.requestCount == 1, "a refused token is not retried")
        let text = error.description
        #expect(text.hasPrefix("Logz.io refused the API token (HTTP \(status) to GET /v2/alerts"))
        #expect(text.contains("LOGZIO_API_TOKEN"))
        #expect(!text.contains(wrong))
        #expect(!text.contains(Self.token))
    }

    @Test func aServerErrorTwiceThenSuccessIsRetried() async throws {
        let fixture = try Fixture { number, _ in
            number <= 2 ? .json(500, #"{"message":"internal error"}"#) : nil
        }
        defer { fixture.stop() }
        let list = try await fixture.client.fetchDefinitions()
        #expect(list.definitions.count == 4)
        #expect(fixture.standIn.requestCount == 3)
    }

    @Test func retryAfterIsHonoured() async throws {
        let fixture = try Fixture { number, _ in
            number == 1
                ? .respond(status: 429, headers: [HeaderField("Retry-After", "1")], body: Array("slow down".utf8))
                : nil
        }
        defer { fixture.stop() }
        let started = ContinuousClock.now
        _ = try await fixture.client.fetchDefinitions()
        #expect(ContinuousClock.now - started >= .milliseconds(950))
        #expect(fixture.standIn.requestCount == 2)
    }

    @Test func aRetryAfterBeyondTheBudgetEndsAtOnce() async throws {
        let fixture = try Fixture(retryBudget: 5) { _, _ in
            .respond(status: 503, headers: [HeaderField("Retry-After", "3600")], body: Array("maintenance".utf8))
        }
        defer { fixture.stop() }
        let started = ContinuousClock.now
        let error = try #require(Self.failure(await fixture.fetch()))
        #expect(ContinuousClock.now - started < .seconds(3))
        #expect(error == .http(.definitions, status: 503, text: "maintenance", attempts: 1))
    }

    @Test func serverErrorsStopAtTheBudget() async throws {
        let fixture = try Fixture(retryBudget: 2) { _, _ in .json(500, #"{"message":"backend down"}"#) }
        defer { fixture.stop() }
        let started = ContinuousClock.now
        let error = try #require(Self.failure(await fixture.fetch()))
        let elapsed = ContinuousClock.now - started
        #expect(elapsed < .seconds(6), "the budget is 2 s")
        #expect(elapsed >= .milliseconds(1_500), "retries go on for most of the budget")
        guard case .http(.definitions, 500, "backend down", let attempts) = error else {
            Issue.record("unexpected \(error)")
            return
        }
        #expect(attempts >= 2)
        #expect(attempts == fixture.standIn.requestCount)
        #expect(error.description.contains("HTTP 500 to GET /v2/alerts: backend down (still failing after"))
    }

    @Test func aHangingServerTimesOutWithinTheBudget() async throws {
        let fixture = try Fixture(retryBudget: 1.5, timeout: 0.2) { _, _ in .hang }
        defer { fixture.stop() }
        let started = ContinuousClock.now
        let error = try #require(Self.failure(await fixture.fetch()))
        #expect(ContinuousClock.now - started < .seconds(5), "the budget is 1.5 s")
        guard case .network(.definitions, let message, let attempts) = error else {
            Issue.record("unexpected \(error)")
            return
        }
        #expect(message.contains("timed out"))
        #expect(attempts >= 2)
        #expect(error.httpStatus == nil)
    }

    @Test(arguments: [
        (404, "Logz.io answered HTTP 404 to GET /v2/alerts: no such path; check logzio.api_url"),
        (400, "Logz.io answered HTTP 400 to GET /v2/alerts: no such path; check logzio.api_url"),
    ])
    func otherStatusesAreNotRetried(status: Int, message: String) async throws {
        let fixture = try Fixture { _, _ in .json(status, #"{"message":"no such path"}"#) }
        defer { fixture.stop() }
        let error = try #require(Self.failure(await fixture.fetch()))
        #expect(error.description == message)
        #expect(fixture.standIn.requestCount == 1)
    }

    @Test func aBodyThatIsNotAListIsAnError() async throws {
        let fixture = try Fixture { _, _ in .json(200, #"{"alerts":[]}"#) }
        defer { fixture.stop() }
        let error = try #require(Self.failure(await fixture.fetch()))
        #expect(
            error.description
                == "Logz.io answered HTTP 200 to GET /v2/alerts, but the body is not a list of Logz.io alert "
                + "definitions: it is an object, not an array of alert definitions")
        #expect(fixture.standIn.requestCount == 1)
    }

    @Test(arguments: [401, 404, 500])
    func theTokenNeverAppearsInAnError(status: Int) async throws {
        // A server that echoes the token it was sent in its error text.
        let fixture = try Fixture(retryBudget: 0.3) { _, request in
            .json(status, #"{"message":"bad request with token \#(request.header("X-API-TOKEN") ?? "")"}"#)
        }
        defer { fixture.stop() }
        let error = try #require(Self.failure(await fixture.fetch()))
        #expect(!error.description.contains(Self.token))
        #expect(!"\(error)".contains(Self.token))
        #expect(!String(reflecting: error).contains(Self.token))
        #expect(error.description.contains("bad request with token <redacted>"))
    }

    @Test func anUnreachableHostIsANetworkError() async throws {
        let fixture = try Fixture(retryBudget: 0.3)
        fixture.server.stop()
        defer { fixture.stop() }
        let error = try #require(Self.failure(await fixture.fetch()))
        guard case .network = error else {
            Issue.record("unexpected \(error)")
            return
        }
        #expect(error.description.hasPrefix("could not reach Logz.io for GET /v2/alerts: curl error 7"))
    }

    @Test(arguments: [
        ("https://api-eu.logz.io", "https://api-eu.logz.io/v2/alerts"),
        ("https://api.logz.io/", "https://api.logz.io/v2/alerts"),
        ("http://127.0.0.1:9//", "http://127.0.0.1:9/v2/alerts"),
    ])
    func theDefinitionsAndSearchURLs(apiURL: String, expected: String) {
        let options = LogzioClientOptions(apiURL: apiURL, token: Secret("t"))
        #expect(options.definitionsURL == expected)
        #expect(options.searchURL == expected.replacing("/v2/alerts", with: "/v1/search"))
    }
}
