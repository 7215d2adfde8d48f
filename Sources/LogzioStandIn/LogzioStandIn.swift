public import Alerts
public import StandInHTTP
import Synchronization

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// A stand-in for the two Logz.io APIs the resolver reads, behind the `X-API-TOKEN` header:
/// `GET /v2/alerts` answers the definitions it holds, and `POST /v1/search` searches the trigger log it
/// holds (`LogzioStandIn+Search.swift`). Anything else is refused as Logz.io would. A transport serves it.
public final class LogzioStandIn: StandInService {
    struct State {
        var definitions: [JSONObject]
        var requests = 0
        var rejections: [String] = []
        /// Each definition's logged triggers, in epoch milliseconds.
        var triggers: [Int64: [Int64]] = [:]
        var writesExponentForm = false
        var writesStringKeys = false
        var omitsAggregation = false
        var searchCount = 0
        var searchRequests: [[Int64]] = []
        var searchBodies: [JSONObject] = []
    }

    let state: Mutex<State>
    let token: String
    /// Now, in epoch seconds: the end of the window the search sees.
    let clock: WallClock

    /// Creates a stand-in that accepts `token`, lists `definitions` and searches as of `clock`
    /// (the system's wall clock unless a test fixes it).
    public init(token: String, definitions: [JSONObject] = [], clock: @escaping WallClock = LogzioStandIn.systemClock) {
        self.token = token
        self.clock = clock
        state = Mutex(State(definitions: definitions))
    }

    /// The system's wall clock in epoch seconds.
    public static let systemClock: WallClock = { Int64(time(nil)) }

    /// Counts a request; returns its number, from 1.
    public func admit() -> Int {
        state.withLock { state in
            state.requests += 1
            return state.requests
        }
    }

    /// Answers `request` as Logz.io would: the definitions, a search's aggregation, or a refusal.
    public func answer(_ request: StandInRequest, number: Int) -> StandInResponse {
        let path = request.path.split(separator: "?", maxSplits: 1).first.map(String.init) ?? request.path
        switch path {
        case "/v2/alerts":
            if let refusal = refusal(of: request, method: "GET") { return refusal }
            let listed = state.withLock { $0.definitions }
            return .json(200, JSONValue.array(listed.map(JSONValue.object)).serialized())
        case "/v1/search":
            state.withLock { $0.searchCount += 1 }
            if let refusal = refusal(of: request, method: "POST") { return refusal }
            return answerSearch(request)
        default:
            return refuse(404, "Not Found")
        }
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

    /// Records a refusal and answers it with Logz.io's `{"message": …}`.
    func refuse(_ status: Int, _ message: String) -> StandInResponse {
        state.withLock { $0.rejections.append(message) }
        return .json(status, JSONObject([("message", .string(message))]).serialized())
    }

    /// The refusal of a request to a known path with the wrong method or token, or nil when it may pass.
    private func refusal(of request: StandInRequest, method: String) -> StandInResponse? {
        guard request.method == method else { return refuse(405, "Method Not Allowed") }
        guard let sent = request.header("X-API-TOKEN"), sent == token else {
            return refuse(401, "Unauthorized: missing or invalid X-API-TOKEN")
        }
        return nil
    }
}
