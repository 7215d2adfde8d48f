public import Redaction

/// How the Incidents API client talks to BigPanda: where, with which user API key, how fast.
public struct IncidentsClientOptions: Sendable {
    /// The API base URL, default `https://api.bigpanda.io` (EU: `https://eu-api.bigpanda.io`).
    public var apiURL: String
    /// The user API key (not the org token).
    public var apiKey: Secret
    /// The environment every search and resolution is scoped to.
    public var environmentID: String
    /// The pacing ceiling for every Incidents API request, in requests per second; 0 means unpaced.
    public var requestsPerSecond: Double
    /// The pacing of batch resolution, which BigPanda limits to one request per second: 0.8 leaves
    /// a quarter second for the network's jitter, so two requests never land within one second.
    public var resolveRequestsPerSecond: Double
    /// Per-request timeout.
    public var timeout: Duration
    /// The span after the start of one search (or one resolution) after which no retry starts.
    public var deadline: Duration
    /// The first backoff ceiling; it doubles each attempt.
    public var backoffBase: Duration
    /// The largest backoff ceiling.
    public var backoffCap: Duration
    /// How many activities to ask for per page of an incident's feed (`per_page`). BigPanda's default
    /// is 20 and its largest value is not documented, so 20 is the default.
    public var activitiesPerPage: Int

    /// The default Incidents API base URL.
    public static let defaultAPIURL = "https://api.bigpanda.io"
    /// The most incidents BigPanda returns per page when alerts are expanded.
    public static let pageSize = 10
    /// The most alert ids in one batch resolution.
    public static let maxResolveIDs = 500
    /// The most pages of one incident's activities read before the feed counts as unreadable.
    public static let maxActivityPages = 50
    /// The most characters of one comment this tool posts (SPEC.md; BigPanda documents no limit).
    public static let maxCommentCharacters = 2_000

    /// Creates options with SPEC.md's defaults.
    public init(
        apiURL: String = IncidentsClientOptions.defaultAPIURL,
        apiKey: Secret,
        environmentID: String,
        requestsPerSecond: Double = 2,
        resolveRequestsPerSecond: Double = 0.8,
        timeout: Duration = .seconds(10),
        deadline: Duration = .seconds(240),
        backoffBase: Duration = .milliseconds(500),
        backoffCap: Duration = .seconds(30),
        activitiesPerPage: Int = 20
    ) {
        self.apiURL = apiURL
        self.apiKey = apiKey
        self.environmentID = environmentID
        self.requestsPerSecond = requestsPerSecond
        self.resolveRequestsPerSecond = resolveRequestsPerSecond
        self.timeout = timeout
        self.deadline = deadline
        self.backoffBase = backoffBase
        self.backoffCap = backoffCap
        self.activitiesPerPage = activitiesPerPage
    }
}
