public import Redaction

/// Where and how the Logz.io client asks for alert definitions and searches the trigger log.
public struct LogzioClientOptions: Sendable {
    /// `logzio.api_url`'s default, the US region.
    public static let defaultAPIURL = "https://api.logz.io"

    /// `logzio.api_url`: the API host, such as `https://api-eu.logz.io`; a trailing `/` is ignored.
    public var apiURL: String
    /// The Logz.io API token, sent as `X-API-TOKEN`.
    public var token: Secret
    /// The per-request timeout (`bigpanda.timeout`); default 10 s.
    public var timeout: Duration
    /// The span from the first request after which no retry starts, and no attempt runs past; default 30 s.
    public var retryBudget: Duration
    /// The first backoff ceiling; it doubles each attempt; default 0.5 s.
    public var backoffBase: Duration
    /// The largest backoff ceiling; default 8 s.
    public var backoffCap: Duration

    /// Creates options with SPEC.md's defaults.
    public init(
        apiURL: String = LogzioClientOptions.defaultAPIURL,
        token: Secret,
        timeout: Duration = .seconds(10),
        retryBudget: Duration = .seconds(30),
        backoffBase: Duration = .milliseconds(500),
        backoffCap: Duration = .seconds(8)
    ) {
        self.apiURL = apiURL
        self.token = token
        self.timeout = timeout
        self.retryBudget = retryBudget
        self.backoffBase = backoffBase
        self.backoffCap = backoffCap
    }

    /// The URL of `GET /v2/alerts`.
    public var definitionsURL: String { url(of: .definitions) }

    /// The URL of `POST /v1/search`.
    public var searchURL: String { url(of: .search) }

    /// The URL of `endpoint` below `apiURL`, whatever trailing slashes `apiURL` has.
    public func url(of endpoint: LogzioEndpoint) -> String {
        var base = Substring(apiURL)
        while base.hasSuffix("/") { base = base.dropLast() }
        return base + endpoint.path
    }
}
