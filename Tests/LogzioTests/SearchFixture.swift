import Alerts
import Curl
import Logzio
import LogzioStandIn
import TestSupport

/// The stand-in with a fixed clock, served over the loopback server, and a client with a fast backoff and
/// a short retry budget, for the trigger log search.
struct SearchFixture {
    static let token = "logzio-search-token-7c41e0"
    /// 2024-12-07T01:00:00Z: the stand-in sees triggers from 2024-12-06T00:00:00Z to this.
    static let now: Int64 = 1_733_533_200
    /// The default trigger log field.
    static let field = "logzio-alert-definition-id"

    /// What a search gave: the latest triggers, or the error.
    typealias Outcome = Result<[Int64: Int64], LogzioError>

    let standIn: LogzioStandIn
    let server: StandInLoopback
    let curl: CurlClient
    let client: LogzioClient

    init(
        token: String = SearchFixture.token, retryBudget: Double = 5, timeout: Double = 2,
        script: StandInLoopback.Script? = nil
    ) throws {
        standIn = LogzioStandIn(token: Self.token, clock: { SearchFixture.now })
        server = try StandInLoopback(serving: standIn, script: script)
        (curl, client) = try FastLogzioClient.make(
            apiURL: server.baseURL + "//", token: token, retryBudget: retryBudget, timeout: timeout)
    }

    func stop() {
        curl.shutdown()
        server.stop()
    }

    /// Searches, returning the error instead of throwing it.
    func search(_ ids: [Int64], field: String = SearchFixture.field, query: String? = nil) async -> Outcome {
        do {
            return .success(try await client.latestTriggers(ids: ids, field: field, query: query))
        } catch {
            return .failure(error)
        }
    }

    static func failure(_ result: Outcome) -> LogzioError? {
        if case .failure(let error) = result { return error }
        return nil
    }

    /// The `query_string` text of a body the stand-in received.
    static func clause(_ body: JSONObject) -> String? {
        let filter = body["query"]?.objectValue?["bool"]?.objectValue?["filter"]
        guard case .array(let filters)? = filter, let first = filters.first else { return nil }
        return first.objectValue?["query_string"]?.objectValue?["query"]?.stringValue
    }
}
