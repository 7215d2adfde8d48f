public import Alerts

/// A named staleness rule: when every field in `match` is present in the alert's last payload and
/// matches its glob, the alert goes stale after `staleAfter`.
public struct Rule: Sendable, Equatable {
    /// The rule's name, shown in reasons and reports.
    public var name: String
    /// Field name and pattern pairs, all of which must match.
    public var match: [(field: String, pattern: GlobPattern)]
    /// The silence after which a matching alert is stale.
    public var staleAfter: StaleAfter
    /// `auto_factor`, `auto_min` and `fallback`, used when `staleAfter` is `auto`.
    public var auto: AutoParameters

    /// Creates a rule.
    public init(
        name: String, match: [(field: String, pattern: GlobPattern)], staleAfter: StaleAfter,
        auto: AutoParameters = AutoParameters()
    ) {
        self.name = name
        self.match = match
        self.staleAfter = staleAfter
        self.auto = auto
    }

    /// Whether the rule matches a payload. Integer and other non-string fields match as their text.
    public func matches(_ payload: JSONObject) -> Bool {
        match.allSatisfy { field, pattern in
            guard let value = payload[field], value != .null else { return false }
            return pattern.matches(value.matchText)
        }
    }

    public static func == (lhs: Rule, rhs: Rule) -> Bool {
        lhs.name == rhs.name && lhs.staleAfter == rhs.staleAfter && lhs.auto == rhs.auto
            && lhs.match.count == rhs.match.count
            && zip(lhs.match, rhs.match).allSatisfy { $0.field == $1.field && $0.pattern == $1.pattern }
    }
}
