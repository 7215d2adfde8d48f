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
}
