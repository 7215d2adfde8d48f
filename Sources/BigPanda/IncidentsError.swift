/// Why an Incidents API call failed.
public enum IncidentsError: Error, Sendable, Equatable, CustomStringConvertible {
    /// 401, 403 or 404: a wrong key, environment or region. Configuration, exit 78.
    case refused(status: Int, text: String)
    /// Retries ran out at the deadline, another 4xx, a network error or an unreadable answer. Exit 1.
    case failed(status: Int?, message: String)

    public var description: String {
        switch self {
        case .refused(let status, let text):
            let hint =
                status == 404
                ? "check bigpanda.environment_id (BIGPANDA_ENVIRONMENT_ID) and bigpanda.api_url (a US key on the EU host answers 404)"
                : "check BIGPANDA_API_KEY (a user API key from Settings → API Keys, not the org token) and its roles"
            return "BigPanda's Incidents API refused the request (HTTP \(status): \(text)); \(hint)"
        case .failed(let status, let message):
            return "BigPanda's Incidents API failed\(status.map { " (HTTP \($0))" } ?? ""): \(message)"
        }
    }
}
