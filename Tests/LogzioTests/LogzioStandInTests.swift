import Alerts
import Curl
import Logzio
import LogzioStandIn
import Staleness
import TestSupport
import Testing

/// The stand-in refuses what Logz.io would, and its sample account gives every outcome of auto.
@Suite(.timingSensitive) struct LogzioStandInTests {
    static let token = "stand-in-token-31ab"

    @Test(arguments: [
        ("GET", "/v2/alerts", token, 200),
        ("GET", "/v2/alerts?x=1", token, 200),
        ("GET", "/v2/alerts", "not-the-token", 401),
        ("GET", "/v2/alerts", "", 401),
        ("POST", "/v2/alerts", token, 405),
        ("GET", "/v1/alerts", token, 404),
    ])
    func checksRequests(method: String, path: String, token: String, status: Int) async throws {
        let standIn = LogzioStandIn(token: Self.token, definitions: StandInDefinition.sampleAccount())
        let server = try StandInLoopback(serving: standIn)
        let curl = try CurlClient(options: CurlClientOptions(userAgent: "stand-in-test"))
        defer {
            curl.shutdown()
            server.stop()
        }
        let headers = token.isEmpty ? [] : [HTTPHeader("X-API-TOKEN", token)]
        let response = try await curl.send(HTTPRequest(method: method, url: server.baseURL + path, headers: headers))
        #expect(response.status == status)
        #expect(standIn.rejections.count == (status == 200 ? 0 : 1))
        if status == 200 {
            #expect(try DefinitionList(decoding: response.body).definitions.count == 4)
        }
    }

    @Test func theSampleAccountGivesEveryOutcome() throws {
        let list = try DefinitionList(
            decoding: Array(JSONValue.array(StandInDefinition.sampleAccount().map(JSONValue.object)).serialized().utf8))
        let monday: Int64 = 1_772_409_600
        func outcome(_ id: Int64) -> AutoResolution {
            AutoResolution.decide(
                definitionID: id, idField: "alert_definition_id", definitions: list.byID, everListed: list.ids,
                parameters: AutoParameters(), now: monday)
        }
        #expect(
            outcome(101)
                == .staleAfter(.seconds(2_820), source: "auto: Logz.io alert 101, time frame 15m → 3 × 15m + 2m"))
        #expect(
            outcome(102)
                == .staleAfter(
                    .seconds(10_920), source: "auto: Logz.io alert 102, time frame 15m, wait 1h → 3 × 1h + 2m"))
        #expect(
            outcome(103)
                == .staleAfter(
                    .seconds(777_720),
                    source: "auto: Logz.io alert 103, time frame 5m, wait 5m, schedule gap 3d → 3 × 3d + 2m"))
        #expect(outcome(104) == .staleNow(reason: "Logz.io alert 104 is disabled"))
    }
}
