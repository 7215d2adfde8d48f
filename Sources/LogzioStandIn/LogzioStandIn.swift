public import Alerts
public import LoopbackHTTP
import Synchronization

/// A stand-in for Logz.io's alert definitions API on loopback: `GET /v2/alerts` with the
/// `X-API-TOKEN` header answers the definitions it holds; anything else is refused as Logz.io would.
public final class LogzioStandIn: Sendable {
    /// A scripted override: given the request number (from 1) and the request, a reply to send
    /// instead of the normal handling (a fault: 500, 429 with Retry-After, a hang), or nil.
    public typealias Script = @Sendable (_ number: Int, _ request: ReceivedRequest) -> Reply?

    private struct State {
        var definitions: [JSONObject]
        var requests = 0
        var rejections: [String] = []
    }

    /// Holds the state in a class so the server's handler can share it.
    private final class Box: Sendable {
        let mutex: Mutex<State>

        init(definitions: [JSONObject]) {
            mutex = Mutex(State(definitions: definitions))
        }
    }

    private let server: LoopbackServer
    private let box: Box

    /// The API's root, for `logzio.api_url`, such as `http://127.0.0.1:8123`.
    public let apiURL: String

    /// Starts a stand-in on 127.0.0.1 (an ephemeral port unless `port` is given) that accepts `token`.
    public init(token: String, definitions: [JSONObject] = [], port: Int = 0, script: Script? = nil) throws {
        let box = Box(definitions: definitions)
        self.box = box
        server = try LoopbackServer(port: port) { request in
            let (number, listed) = box.mutex.withLock { state in
                state.requests += 1
                return (state.requests, state.definitions)
            }
            if let reply = script?(number, request) { return reply }
            if let (status, message) = LogzioStandIn.refusal(of: request, token: token) {
                box.mutex.withLock { $0.rejections.append(message) }
                return .json(status, JSONObject([("message", .string(message))]).serialized())
            }
            return .json(200, JSONValue.array(listed.map(JSONValue.object)).serialized())
        }
        apiURL = server.baseURL
    }

    /// The definitions it lists now.
    public var definitions: [JSONObject] { box.mutex.withLock { $0.definitions } }

    /// How many requests arrived, refused and scripted ones included.
    public var requestCount: Int { box.mutex.withLock { $0.requests } }

    /// The message of every request refused by the checks.
    public var rejections: [String] { box.mutex.withLock { $0.rejections } }

    /// Replaces the definitions it lists.
    public func setDefinitions(_ definitions: [JSONObject]) {
        box.mutex.withLock { $0.definitions = definitions }
    }

    /// Deletes the definition with `id`, as deleting the alert in Logz.io would.
    public func removeDefinition(id: Int64) {
        box.mutex.withLock { state in
            state.definitions.removeAll { $0["id"]?.integerValue == id }
        }
    }

    /// Stops the server.
    public func stop() {
        server.stop()
    }

    /// The status and message Logz.io would refuse `request` with, or nil when it is served.
    static func refusal(of request: ReceivedRequest, token: String) -> (Int, String)? {
        let path = request.path.split(separator: "?", maxSplits: 1).first.map(String.init) ?? request.path
        guard path == "/v2/alerts" else { return (404, "Not Found") }
        guard request.method == "GET" else { return (405, "Method Not Allowed") }
        guard let sent = request.header("X-API-TOKEN"), sent == token else {
            return (401, "Unauthorized: missing or invalid X-API-TOKEN")
        }
        return nil
    }
}
