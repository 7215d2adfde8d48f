/// Why a Logz.io request (alert definitions, or the trigger log search) failed. No case's text holds the
/// API token.
public enum LogzioError: Error, Sendable, Equatable, CustomStringConvertible {
    /// 401 or 403: the token was refused. `check` exits 78; `list` and `sweep` treat Logz.io as unreachable.
    case unauthorized(LogzioEndpoint, status: Int, text: String)
    /// Another HTTP status, after any retries: `text` is Logz.io's error text.
    case http(LogzioEndpoint, status: Int, text: String, attempts: Int)
    /// No answer: a network error, after any retries.
    case network(LogzioEndpoint, message: String, attempts: Int)
    /// A 2xx whose body is not what the request asks for: not a list of alert definitions, or a search
    /// answer without `aggregations.definitions.buckets`.
    case undecodable(LogzioEndpoint, status: Int, reason: String)
    /// The task was cancelled.
    case cancelled(LogzioEndpoint)

    /// Whether Logz.io refused the token (401 or 403).
    public var isUnauthorized: Bool {
        if case .unauthorized = self { return true }
        return false
    }

    /// The HTTP status of the last answer, if one came.
    public var httpStatus: Int? {
        switch self {
        case .unauthorized(_, let status, _), .http(_, let status, _, _), .undecodable(_, let status, _): status
        case .network, .cancelled: nil
        }
    }

    /// The request that failed.
    public var endpoint: LogzioEndpoint {
        switch self {
        case .unauthorized(let endpoint, _, _), .http(let endpoint, _, _, _), .network(let endpoint, _, _),
            .undecodable(let endpoint, _, _), .cancelled(let endpoint):
            endpoint
        }
    }

    public var description: String {
        switch self {
        case .unauthorized(let endpoint, let status, let text):
            // A token may read definitions and still lack the search rights evidence needs.
            let rights = endpoint == .search ? ", and that the token may search logs" : ""
            return "Logz.io refused the API token (HTTP \(status) to \(endpoint): \(text)); "
                + "check LOGZIO_API_TOKEN, LOGZIO_API_TOKEN_FILE or logzio.token_file\(rights)"
        case .http(let endpoint, let status, let text, let attempts):
            return "Logz.io answered HTTP \(status) to \(endpoint): \(text)\(Self.after(attempts))"
                + Self.hint(endpoint, status: status)
        case .network(let endpoint, let message, let attempts):
            return "could not reach Logz.io for \(endpoint): \(message)\(Self.after(attempts)); "
                + "check logzio.api_url and the network"
        case .undecodable(let endpoint, let status, let reason):
            return "Logz.io answered HTTP \(status) to \(endpoint), but \(reason)"
        case .cancelled(let endpoint):
            return "\(endpoint.purpose) was cancelled"
        }
    }

    /// What to check after a 4xx that is not about the token or the rate: a search Logz.io cannot parse
    /// comes from the configured field or query, anything else from the URL.
    private static func hint(_ endpoint: LogzioEndpoint, status: Int) -> String {
        guard (400..<500).contains(status), status != 429 else { return "" }
        if endpoint == .search, status == 400 { return "; check logzio.evidence_field and logzio.evidence_query" }
        return "; check logzio.api_url"
    }

    private static func after(_ attempts: Int) -> String {
        attempts > 1 ? " (still failing after \(attempts) attempts)" : ""
    }
}
