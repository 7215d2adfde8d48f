/// What one HTTP answer (or transport failure) from the Alerts API means for delivery.
public enum ResponseClass: Sendable, Equatable {
    /// Any 2xx: delivered.
    case delivered
    /// 429, 5xx, 408 or a transient network error: try again after a backoff, but not before `retryAfter`.
    case retry(retryAfter: Duration?)
    /// 401 or 403: the token is refused; stop sending this run.
    case unauthorized
    /// Any other 4xx (and anything else unexpected): not retried this run.
    case permanent

    /// Classifies an HTTP status and its `Retry-After` header value.
    public static func classify(status: Int, retryAfter: String? = nil) -> ResponseClass {
        switch status {
        case 200..<300: return .delivered
        case 401, 403: return .unauthorized
        case 408, 429, 500..<600: return .retry(retryAfter: retryAfter.flatMap(parseRetryAfter))
        default: return .permanent
        }
    }

    /// Parses a `Retry-After` given in seconds; HTTP dates are not used by the Alerts API and are ignored.
    static func parseRetryAfter(_ text: String) -> Duration? {
        let trimmed = text.filter { $0 != " " }
        guard let seconds = Int(trimmed), seconds >= 0 else { return nil }
        return .seconds(min(seconds, 3_600))
    }
}
