public import Alerts

/// How long an open alert may go without a notification before it is stale.
public enum StaleAfter: Sendable, Equatable, CustomStringConvertible {
    /// Never auto-resolved.
    case never
    /// Stale after this much silence (always more than zero, in whole seconds).
    case after(Duration)
    /// Derived from the alert's Logz.io alert definition (`stale_after: auto`).
    case auto

    /// Parses `never` or a duration such as `1h30m`.
    public init(parsing text: String) throws(DurationError) {
        if text == "never" {
            self = .never
        } else if text == "auto" {
            self = .auto
        } else {
            self = .after(.seconds(try DurationText.parse(text)))
        }
    }

    public var description: String {
        switch self {
        case .never: "never"
        case .auto: "auto"
        case .after(let span): DurationText.format(span)
        }
    }

    /// The span of a fixed `stale_after`; nil for `never` and `auto`.
    public var span: Duration? {
        if case .after(let span) = self { span } else { nil }
    }
}
