public import Alerts

/// The default `stale_after` and the ordered rules; the first matching rule wins.
public struct StalenessPolicy: Sendable, Equatable {
    /// The name reported when no rule matches.
    public static let defaultRuleName = "default"

    /// The `stale_after` used when no rule matches.
    public var defaultStaleAfter: StaleAfter
    /// The default rule's `auto_factor`, `auto_min` and `fallback` (the top level's), which rules
    /// that set neither factor nor minimum also take.
    public var defaultAuto: AutoParameters
    /// The rules, in the order they are tried.
    public var rules: [Rule]
    /// The payload field holding the Logz.io alert definition id (`logzio.definition_field`).
    public var definitionField: String

    /// Creates a policy.
    public init(
        defaultStaleAfter: StaleAfter = .after(.seconds(3_600)), rules: [Rule] = [],
        defaultAuto: AutoParameters = AutoParameters(),
        definitionField: String = "alert_definition_id"
    ) {
        self.defaultStaleAfter = defaultStaleAfter
        self.rules = rules
        self.defaultAuto = defaultAuto
        self.definitionField = definitionField
    }

    /// The rule that applies to a payload: the first match, else the default.
    public func rule(for payload: JSONObject) -> (name: String, staleAfter: StaleAfter) {
        let found = matchingRule(payload)
        return (found.name, found.staleAfter)
    }

    /// The rule that applies, with its auto parameters.
    public func matchingRule(_ payload: JSONObject) -> (name: String, staleAfter: StaleAfter, auto: AutoParameters) {
        for rule in rules where rule.matches(payload) {
            return (rule.name, rule.staleAfter, rule.auto)
        }
        return (StalenessPolicy.defaultRuleName, defaultStaleAfter, defaultAuto)
    }

    /// Whether the default or any rule is `stale_after: auto`.
    public var usesAuto: Bool {
        defaultStaleAfter == .auto || rules.contains { $0.staleAfter == .auto }
    }

    /// Every field a decision reads: the rules' match fields, and the definition id under auto.
    public var matchFields: Set<String> {
        var fields = Set(rules.flatMap { $0.match.map(\.field) })
        if usesAuto { fields.insert(definitionField) }
        return fields
    }

    /// The longest finite `stale_after` among the default and the rules (and their fallbacks);
    /// an auto value is not known in advance.
    public var longestFiniteStaleAfter: Duration {
        let fallbacks = ([defaultAuto] + rules.map(\.auto)).compactMap(\.fallback)
        let fixed = ([defaultStaleAfter] + rules.map(\.staleAfter)).compactMap(\.span)
        return (fixed + fallbacks).max() ?? .zero
    }

    /// The shortest finite `stale_after` among the default and the rules, or nil when all are `never`.
    /// No alert silent for less than this is stale, unless a rule is `auto` (see `usesAuto`).
    public var shortestFiniteStaleAfter: Duration? {
        ([defaultStaleAfter] + rules.map(\.staleAfter)).compactMap(\.span).min()
    }

    /// Decides whether an open alert is stale at `now`.
    ///
    /// - Parameters:
    ///   - payload: the alert's last recorded payload, which rules match against.
    ///   - lastReceived: when that payload was received, in epoch seconds.
    ///   - now: the time to evaluate at, in epoch seconds.
    ///   - feed: when the feed was observed alive; `nil` means no heartbeats, so all silence counts.
    ///   - auto: resolves `stale_after: auto` from the Logz.io definitions; nil when none are available.
    public func decide(
        payload: JSONObject,
        lastReceived: Int64,
        now: Int64,
        feed: FeedLiveness? = nil,
        auto: AutoResolver? = nil
    ) -> StalenessDecision {
        let (name, staleAfter, parameters) = matchingRule(payload)
        let elapsed = Duration.seconds(max(0, now - lastReceived))
        let silence = feed.map { .seconds($0.aliveSeconds(from: lastReceived, to: now)) } ?? elapsed
        let ruleText = "rule \"\(name)\""
        switch staleAfter {
        case .never:
            return StalenessDecision(
                rule: name, staleAfter: staleAfter, silence: silence, isStale: false, staleAt: nil,
                reason: "\(ruleText) never auto-resolves (last notification \(DurationText.format(elapsed)) ago)",
                effectiveStaleAfter: nil, source: "\(ruleText): never")
        case .after(let limit):
            return decide(
                limit: limit, limitText: "\(staleAfter)", source: "\(ruleText): \(staleAfter)", name: name,
                staleAfter: staleAfter, silence: silence, elapsed: elapsed, now: now, observed: feed != nil)
        case .auto:
            let resolution =
                auto?(payload, parameters) ?? .undecided(reason: "no Logz.io alert definitions are available")
            switch resolution {
            case .staleAfter(let limit, let source):
                return decide(
                    limit: limit, limitText: "auto \(DurationText.format(limit))", source: source, name: name,
                    staleAfter: staleAfter, silence: silence, elapsed: elapsed, now: now, observed: feed != nil)
            case .staleNow(let reason):
                return StalenessDecision(
                    rule: name, staleAfter: staleAfter, silence: silence, isStale: true, staleAt: nil,
                    reason: "\(reason) (\(ruleText), stale_after auto)", effectiveStaleAfter: .zero,
                    source: "auto: \(reason)")
            case .undecided(let reason):
                guard let fallback = parameters.fallback else {
                    return StalenessDecision(
                        rule: name, staleAfter: staleAfter, silence: silence, isStale: false, staleAt: nil,
                        reason: "\(ruleText) is auto, but \(reason); kept, as it has no fallback",
                        effectiveStaleAfter: nil, source: "auto: \(reason); no fallback, kept")
                }
                let text = DurationText.format(fallback)
                return decide(
                    limit: fallback, limitText: "fallback \(text): \(reason)", source: "fallback \(text): \(reason)",
                    name: name, staleAfter: staleAfter, silence: silence, elapsed: elapsed, now: now,
                    observed: feed != nil)
            }
        }
    }

    private func decide(
        limit: Duration, limitText: String, source: String, name: String, staleAfter: StaleAfter, silence: Duration,
        elapsed: Duration, now: Int64, observed: Bool
    ) -> StalenessDecision {
        let ruleText = "rule \"\(name)\""
        // With heartbeats, only the time the feed was observed alive counts.
        let observedText = observed ? " of observed feed time" : ""
        if silence >= limit {
            return StalenessDecision(
                rule: name, staleAfter: staleAfter, silence: silence, isStale: true, staleAt: nil,
                reason:
                    "no notification for \(DurationText.format(silence))\(observedText) (\(ruleText), stale after \(limitText))",
                effectiveStaleAfter: limit, source: source)
        }
        let silent =
            observed
            ? "silent for \(DurationText.format(silence)) of observed feed time (last notification \(DurationText.format(elapsed)) ago)"
            : "last notification \(DurationText.format(silence)) ago"
        return StalenessDecision(
            rule: name, staleAfter: staleAfter, silence: silence, isStale: false,
            staleAt: now + (limit - silence).wholeSeconds,
            reason: "\(silent) (\(ruleText), stale after \(limitText))", effectiveStaleAfter: limit, source: source)
    }
}

/// What the rules say about one open alert at one time, with a reason a person can read.
public struct StalenessDecision: Sendable, Equatable {
    /// The matching rule's name, or `default`.
    public var rule: String
    /// That rule's `stale_after`.
    public var staleAfter: StaleAfter
    /// The silence that counted (observed silence when the feed has heartbeats).
    public var silence: Duration
    /// Whether the alert is stale.
    public var isStale: Bool
    /// When the alert goes stale if nothing arrives and the feed stays alive; `nil` if stale or never.
    public var staleAt: Int64?
    /// Why, e.g. `no notification for 3h12m (rule "payments", stale after 3h)`.
    public var reason: String
    /// The `stale_after` that applied: auto's derivation, or the fallback; nil for never and for an
    /// auto alert kept without a fallback.
    public var effectiveStaleAfter: Duration?
    /// Where that `stale_after` came from, e.g. `rule "payments": 3h` or auto's derivation.
    public var source: String

    /// Creates a decision.
    public init(
        rule: String, staleAfter: StaleAfter, silence: Duration, isStale: Bool, staleAt: Int64?, reason: String,
        effectiveStaleAfter: Duration?, source: String
    ) {
        self.rule = rule
        self.staleAfter = staleAfter
        self.silence = silence
        self.isStale = isStale
        self.staleAt = staleAt
        self.reason = reason
        self.effectiveStaleAfter = effectiveStaleAfter
        self.source = source
    }
}
