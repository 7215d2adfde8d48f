public import Redaction

/// How the Alerts API client sends: where, with what token, how fast and for how long.
public struct AlertsClientOptions: Sendable {
    /// The Alerts API URL, default `https://api.bigpanda.io/data/v2/alerts`.
    public var alertsURL: String
    /// The org bearer token.
    public var token: Secret
    /// The pacing ceiling in requests per second; 0 means unpaced.
    public var requestsPerSecond: Double
    /// Per-request timeout.
    public var timeout: Duration
    /// The span from a run's first request after which no request starts, a first one included.
    public var deadline: Duration
    /// The most requests in flight at once.
    public var maxInFlight: Int
    /// A CA bundle for a private CA, or nil for the system's.
    public var caFile: String?
    /// The first backoff ceiling; it doubles each attempt.
    public var backoffBase: Duration
    /// The largest backoff ceiling.
    public var backoffCap: Duration

    /// The default Alerts API URL.
    public static let defaultAlertsURL = "https://api.bigpanda.io/data/v2/alerts"

    /// Creates options with SPEC.md's defaults.
    public init(
        alertsURL: String = AlertsClientOptions.defaultAlertsURL,
        token: Secret,
        requestsPerSecond: Double = 5,
        timeout: Duration = .seconds(10),
        deadline: Duration = .seconds(240),
        maxInFlight: Int = 4,
        caFile: String? = nil,
        backoffBase: Duration = .milliseconds(500),
        backoffCap: Duration = .seconds(30)
    ) {
        self.alertsURL = alertsURL
        self.token = token
        self.requestsPerSecond = requestsPerSecond
        self.timeout = timeout
        self.deadline = deadline
        self.maxInFlight = maxInFlight
        self.caFile = caFile
        self.backoffBase = backoffBase
        self.backoffCap = backoffCap
    }
}
