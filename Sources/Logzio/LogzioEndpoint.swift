/// The Logz.io API requests the client makes, named in its errors and log lines.
public enum LogzioEndpoint: Sendable, Equatable, CustomStringConvertible {
    /// `GET /v2/alerts`: every alert definition of the account.
    case definitions
    /// `POST /v1/search`: the trigger log search behind evidence.
    case search

    /// The request method.
    public var method: String {
        switch self {
        case .definitions: "GET"
        case .search: "POST"
        }
    }

    /// The path below `logzio.api_url`.
    public var path: String {
        switch self {
        case .definitions: "/v2/alerts"
        case .search: "/v1/search"
        }
    }

    /// What the request is for, in a sentence's words.
    var purpose: String {
        switch self {
        case .definitions: "fetching Logz.io alert definitions"
        case .search: "searching Logz.io's trigger log"
        }
    }

    /// The method and path, such as `GET /v2/alerts`.
    public var description: String { "\(method) \(path)" }
}
