/// Why alert definitions could not be fetched from Logz.io. No case's text holds the API token.
public enum LogzioError: Error, Sendable, Equatable, CustomStringConvertible {
    /// 401 or 403: the token was refused. `check` exits 78; `list` and `sweep` treat Logz.io as unreachable.
    case unauthorized(status: Int, text: String)
    /// Another HTTP status, after any retries: `text` is Logz.io's error text.
    case http(status: Int, text: String, attempts: Int)
    /// No answer: a network error, after any retries.
    case network(message: String, attempts: Int)
    /// A 2xx whose body is not a list of alert definitions.
    case undecodable(status: Int, reason: String)
    /// The task was cancelled.
    case cancelled

    /// Whether Logz.io refused the token (401 or 403).
    public var isUnauthorized: Bool {
        if case .unauthorized = self { return true }
        return false
    }

    /// The HTTP status of the last answer, if one came.
    public var httpStatus: Int? {
        switch self {
        case .unauthorized(let status, _), .http(let status, _, _), .undecodable(let status, _): status
        case .network, .cancelled: nil
        }
    }

    public var description: String {
        switch self {
        case .unauthorized(let status, let text):
            return "Logz.io refused the API token (HTTP \(status) to GET /v2/alerts: \(text)); "
                + "check LOGZIO_API_TOKEN, LOGZIO_API_TOKEN_FILE or logzio.token_file"
        case .http(let status, let text, let attempts):
            let hint = (400..<500).contains(status) && status != 429 ? "; check logzio.api_url" : ""
            return "Logz.io answered HTTP \(status) to GET /v2/alerts: \(text)\(Self.after(attempts))\(hint)"
        case .network(let message, let attempts):
            return "could not reach Logz.io: \(message)\(Self.after(attempts)); check logzio.api_url and the network"
        case .undecodable(let status, let reason):
            return "Logz.io answered HTTP \(status) to GET /v2/alerts, but \(reason)"
        case .cancelled:
            return "fetching Logz.io alert definitions was cancelled"
        }
    }

    private static func after(_ attempts: Int) -> String {
        attempts > 1 ? " (still failing after \(attempts) attempts)" : ""
    }
}
