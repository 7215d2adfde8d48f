public import Alerts

/// The default `stale_after` and the ordered rules; the first matching rule wins.
public struct StalenessPolicy: Sendable, Equatable {
    /// The name reported when no rule matches.
    public static let defaultRuleName = "default"

    /// The `stale_after` used when no rule matches.
    public var defaultStaleAfter: StaleAfter
    /// The rules, in the order they are tried.
    public var rules: [Rule]

    /// Creates a policy.
    public init(defaultStaleAfter: StaleAfter = .seconds(3_600), rules: [Rule] = []) {
        self.defaultStaleAfter = defaultStaleAfter
        self.rules = rules
    }

    /// The rule that applies to a payload: the first match, else the default.
    public func rule(for payload: JSONObject) -> (name: String, staleAfter: StaleAfter) {
        for rule in rules where rule.matches(payload) {
            return (rule.name, rule.staleAfter)
        }
        return (StalenessPolicy.defaultRuleName, defaultStaleAfter)
    }

    /// Every field some rule matches on: the only fields a decision reads.
    public var matchFields: Set<String> {
        Set(rules.flatMap { $0.match.map(\.field) })
    }

    /// The longest finite `stale_after` among the default and the rules.
    public var longestFiniteStaleAfter: Int64 {
        ([defaultStaleAfter] + rules.map(\.staleAfter)).reduce(0) { longest, staleAfter in
            if case .seconds(let seconds) = staleAfter { return max(longest, seconds) }
            return longest
        }
    }

    /// Decides whether an open alert is stale at `now`.
    ///
    /// - Parameters:
    ///   - payload: the alert's last recorded payload, which rules match against.
    ///   - lastReceived: when that payload was received, in epoch seconds.
    ///   - now: the time to evaluate at, in epoch seconds.
    ///   - feed: when the feed was observed alive; `nil` means no heartbeats, so all silence counts.
    public func decide(
        payload: JSONObject,
        lastReceived: Int64,
        now: Int64,
        feed: FeedLiveness? = nil
    ) -> StalenessDecision {
        let (name, staleAfter) = rule(for: payload)
        let elapsed = max(0, now - lastReceived)
        let silence = feed.map { $0.aliveSeconds(from: lastReceived, to: now) } ?? elapsed
        let ruleText = "rule \"\(name)\""
        switch staleAfter {
        case .never:
            return StalenessDecision(
                rule: name, staleAfter: staleAfter, silence: silence, isStale: false, staleAt: nil,
                reason: "\(ruleText) never auto-resolves (last notification \(DurationText.format(elapsed)) ago)"
            )
        case .seconds(let limit):
            // With heartbeats, only the time the feed was observed alive counts.
            let observed = feed == nil ? "" : " of observed feed time"
            if silence >= limit {
                return StalenessDecision(
                    rule: name, staleAfter: staleAfter, silence: silence, isStale: true, staleAt: nil,
                    reason:
                        "no notification for \(DurationText.format(silence))\(observed) (\(ruleText), stale after \(staleAfter))"
                )
            }
            let silent =
                feed == nil
                ? "last notification \(DurationText.format(silence)) ago"
                : "silent for \(DurationText.format(silence)) of observed feed time (last notification \(DurationText.format(elapsed)) ago)"
            return StalenessDecision(
                rule: name, staleAfter: staleAfter, silence: silence, isStale: false,
                staleAt: now + (limit - silence),
                reason: "\(silent) (\(ruleText), stale after \(staleAfter))"
            )
        }
    }
}

/// What the rules say about one open alert at one time, with a reason a person can read.
public struct StalenessDecision: Sendable, Equatable {
    /// The matching rule's name, or `default`.
    public var rule: String
    /// That rule's `stale_after`.
    public var staleAfter: StaleAfter
    /// The silence that counted, in seconds (observed silence when the feed has heartbeats).
    public var silence: Int64
    /// Whether the alert is stale.
    public var isStale: Bool
    /// When the alert goes stale if nothing arrives and the feed stays alive; `nil` if stale or never.
    public var staleAt: Int64?
    /// Why, e.g. `no notification for 3h12m (rule "payments", stale after 3h)`.
    public var reason: String
}
