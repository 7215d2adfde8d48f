public import Alerts
public import StandInHTTP
import Synchronization

/// A stand-in for Logz.io's alert definitions API: `GET /v2/alerts` with the `X-API-TOKEN` header
/// answers the definitions it holds; anything else is refused as Logz.io would. A transport serves it.
public final class LogzioStandIn: StandInService {
    private struct State {
        var definitions: [JSONObject]
        var requests = 0
        var rejections: [String] = []
    }

    private let state: Mutex<State>
    private let token: String

    /// Creates a stand-in that accepts `token` and lists `definitions`.
    public init(token: String, definitions: [JSONObject] = []) {
        self.token = token
        state = Mutex(State(definitions: definitions))
    }

    /// Counts a request; returns its number, from 1.
    public func admit() -> Int {
        state.withLock { state in
            state.requests += 1
            return state.requests
        }
    }

    /// Answers `request` as Logz.io would: the definitions, or a refusal.
    public func answer(_ request: StandInRequest, number: Int) -> StandInResponse {
        let listed = state.withLock { $0.definitions }
        if let (status, message) = LogzioStandIn.refusal(of: request, token: token) {
            state.withLock { $0.rejections.append(message) }
            return .json(status, JSONObject([("message", .string(message))]).serialized())
        }
        return .json(200, JSONValue.array(listed.map(JSONValue.object)).serialized())
    }

    /// The definitions it lists now.
    public var definitions: [JSONObject] { state.withLock { $0.definitions } }

    /// How many requests arrived, refused and scripted ones included.
    public var requestCount: Int { state.withLock { $0.requests } }

    /// The message of every request refused by the checks.
    public var rejections: [String] { state.withLock { $0.rejections } }

    /// Replaces the definitions it lists.
    public func setDefinitions(_ definitions: [JSONObject]) {
        state.withLock { $0.definitions = definitions }
    }

    /// Deletes the definition with `id`, as deleting the alert in Logz.io would.
    public func removeDefinition(id: Int64) {
        state.withLock { state in
            state.definitions.removeAll { $0["id"]?.integerValue == id }
        }
    }

    /// The status and message Logz.io would refuse `request` with, or nil when it is served.
    static func refusal(of request: StandInRequest, token: String) -> (Int, String)? {
        let path = request.path.split(separator: "?", maxSplits: 1).first.map(String.init) ?? request.path
        guard path == "/v2/alerts" else { return (404, "Not Found") }
        guard request.method == "GET" else { return (405, "Method Not Allowed") }
        guard let sent = request.header("X-API-TOKEN"), sent == token else {
            return (401, "Unauthorized: missing or invalid X-API-TOKEN")
        }
        return nil
    }
}
