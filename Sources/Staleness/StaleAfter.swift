public import Alerts

/// How long an open alert may go without a notification before it is stale.
public enum StaleAfter: Sendable, Equatable, CustomStringConvertible {
    /// Never auto-resolved.
    case never
    /// Stale after this many seconds (always more than zero).
    case seconds(Int64)
    /// Derived from the alert's Logz.io alert definition (`stale_after: auto`).
    case auto

    /// Parses `never` or a duration such as `1h30m`.
    public init(parsing text: String) throws(DurationError) {
        if text == "never" {
            self = .never
        } else if text == "auto" {
            self = .auto
        } else {
            self = .seconds(try DurationText.parse(text))
        }
    }

    public var description: String {
        switch self {
        case .never: "never"
        case .auto: "auto"
        case .seconds(let seconds): DurationText.format(seconds)
        }
    }
}
