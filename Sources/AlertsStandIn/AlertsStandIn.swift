public import Alerts
public import StandInHTTP
import Synchronization

#if canImport(Glibc)
    import Glibc
#endif

/// A stand-in for BigPanda's Alerts API. It checks each request the way the real API does (bearer
/// token, content type, app key, statuses, primary properties, no nested values), answers 201, and
/// keeps what it accepted. A transport serves it; it knows no sockets.
public final class AlertsStandIn: StandInService {
    /// One accepted alert event.
    public struct Received: Sendable {
        /// The app key it was sent under.
        public var appKey: String
        /// The alert as sent.
        public var alert: JSONObject
        /// The request's sequence number, from 1.
        public var request: Int
    }

    struct State {
        var received: [Received] = []
        var requests = 0
        var rejections: [String] = []
        var requestTimes: [Double] = []
        var incidents = IncidentsState()
    }

    /// Holds the state in a class so every request can share it.
    final class Box: Sendable {
        let mutex = Mutex(State())
    }

    let box = Box()
    private let token: String
    private let appKeys: Set<String>?
    private let apiKey: String?

    /// The path alerts are sent to, under the server's root.
    public static let alertsPath = "/data/v2/alerts"

    /// The environment the Incidents API serves.
    public let environmentID: String

    /// Creates a stand-in that accepts `token` and, when given, only `appKeys`.
    ///
    /// With `apiKey`, it also serves the Incidents API for `environmentID` (under `/resources/`), over
    /// the alerts it was sent and the ones seeded with `seed(_:)`.
    public init(token: String, appKeys: Set<String>? = nil, apiKey: String? = nil, environmentID: String = "env-1") {
        self.token = token
        self.appKeys = appKeys
        self.apiKey = apiKey
        self.environmentID = environmentID
    }

    /// Counts a request and notes when it arrived; returns its number, from 1.
    public func admit() -> Int {
        box.mutex.withLock { state -> Int in
            state.requests += 1
            state.requestTimes.append(AlertsStandIn.monotonic())
            return state.requests
        }
    }

    /// Answers `request` as BigPanda would: the Incidents API under `/resources/`, else the Alerts API.
    public func answer(_ request: StandInRequest, number: Int) -> StandInResponse {
        if request.path.hasPrefix("/resources/") {
            return AlertsStandIn.incidentsReply(
                request, box: box, apiKey: apiKey, orgToken: token, environmentID: environmentID)
        }
        switch AlertsStandIn.check(request, token: token, appKeys: appKeys) {
        case .success(let accepted):
            box.mutex.withLock { state in
                for (appKey, alert) in accepted {
                    state.received.append(Received(appKey: appKey, alert: alert, request: number))
                    state.incidents.apply(event: alert, appKey: appKey, now: AlertsStandIn.wallClock())
                }
            }
            return .json(201, #"{"status":"created"}"#)
        case .failure(let rejection):
            box.mutex.withLock { $0.rejections.append(rejection.message) }
            return .json(
                rejection.status,
                JSONObject([("status", .string("failure")), ("error", .string(rejection.message))]).serialized())
        }
    }

    static func monotonic() -> Double {
        var now = timespec()
        clock_gettime(CLOCK_MONOTONIC, &now)
        return Double(now.tv_sec) + Double(now.tv_nsec) / 1e9
    }

    static func wallClock() -> Int64 {
        Int64(time(nil))
    }

    /// Every alert accepted so far, in order.
    public var received: [Received] { box.mutex.withLock { $0.received } }
    /// How many requests arrived.
    public var requestCount: Int { box.mutex.withLock { $0.requests } }
    /// The error text of every request refused by the checks.
    public var rejections: [String] { box.mutex.withLock { $0.rejections } }
    /// When each request arrived, in monotonic seconds.
    public var requestTimes: [Double] { box.mutex.withLock { $0.requestTimes } }

    struct Rejection: Error {
        var status: Int
        var message: String
    }

    /// The checks the real API applies, in order.
    static func check(_ request: StandInRequest, token: String, appKeys: Set<String>?) -> Result<
        [(String, JSONObject)], Rejection
    > {
        guard request.path == alertsPath else { return .failure(Rejection(status: 404, message: "Not Found")) }
        guard request.method == "POST" else { return .failure(Rejection(status: 405, message: "Method Not Allowed")) }
        guard request.header("Authorization") == "Bearer \(token)" else {
            return .failure(Rejection(status: 401, message: "Unauthorized: bad or missing bearer token"))
        }
        guard let contentType = request.header("Content-Type")?.lowercased(), contentType.hasPrefix("application/json")
        else {
            return .failure(Rejection(status: 415, message: "Content-Type must be application/json"))
        }
        guard let body = try? JSONParser.parse(request.body), let object = body.objectValue else {
            return .failure(Rejection(status: 400, message: "the body is not a JSON object"))
        }
        var alerts: [JSONObject] = []
        let batchKey = object["app_key"]?.stringValue
        if let list = object["alerts"] {
            guard case .array(let items) = list, !items.isEmpty else {
                return .failure(Rejection(status: 400, message: "alerts must be a non-empty array"))
            }
            for item in items {
                guard let alert = item.objectValue else {
                    return .failure(Rejection(status: 400, message: "every alert must be an object"))
                }
                alerts.append(alert)
            }
        } else {
            alerts = [object]
        }
        var accepted: [(String, JSONObject)] = []
        for (index, alert) in alerts.enumerated() {
            let prefix = "alerts[\(index)]"
            guard let appKey = alert["app_key"]?.stringValue ?? batchKey, !appKey.isEmpty else {
                return .failure(Rejection(status: 400, message: "\(prefix): missing app_key"))
            }
            if let batchKey, let own = alert["app_key"]?.stringValue, own != batchKey {
                return .failure(Rejection(status: 400, message: "\(prefix): app_key differs from the batch's"))
            }
            if let appKeys, !appKeys.contains(appKey) {
                return .failure(Rejection(status: 400, message: "\(prefix): unknown app_key"))
            }
            guard let status = alert["status"]?.stringValue, AlertStatus(rawValue: status) != nil else {
                return .failure(
                    Rejection(
                        status: 400,
                        message: "\(prefix): status must be one of ok, critical, warning, unknown, acknowledged"))
            }
            let primaryName =
                alert["primary_property"]?.stringValue ?? Alert.primaryCandidates.first { alert[$0] != nil }
            guard let primaryName, let primary = alert[primaryName],
                primary.stringValue.map({ !$0.isEmpty }) ?? primary.isInteger
            else {
                return .failure(Rejection(status: 400, message: "\(prefix): no primary property"))
            }
            if let stamp = alert["timestamp"], !stamp.isInteger {
                return .failure(Rejection(status: 400, message: "\(prefix): timestamp must be epoch seconds"))
            }
            if let description = alert["description"]?.stringValue, description.count > 2048 {
                return .failure(Rejection(status: 400, message: "\(prefix): description longer than 2048 characters"))
            }
            for (key, value) in alert {
                switch value {
                case .object:
                    return .failure(
                        Rejection(status: 400, message: "\(prefix): \(key): nested objects are not supported"))
                case .array(let items)
                where items.contains(where: {
                    $0.objectValue != nil || { if case .array = $0 { true } else { false } }($0)
                }):
                    return .failure(
                        Rejection(status: 400, message: "\(prefix): \(key): nested arrays are not supported"))
                default: break
                }
            }
            accepted.append((appKey, alert))
        }
        return .success(accepted)
    }
}
