public import Staleness

/// The outcome of replaying one config over the history.
public struct ReplayReport: Sendable, Equatable {
    /// The events replayed (non-`ok` and `ok`).
    public var events: Int
    /// Each rule of the config in order, then the default rule, with its `stale_after`.
    public var rules: [(figures: RuleFigures, staleAfter: StaleAfter)]
    /// All rules together.
    public var total: RuleFigures
    /// A suggested `stale_after` for each rule that saw alerts, in the order of `rules`.
    public var suggestions: [Suggestion]

    public static func == (lhs: ReplayReport, rhs: ReplayReport) -> Bool {
        lhs.events == rhs.events && lhs.total == rhs.total && lhs.suggestions == rhs.suggestions
            && lhs.rules.count == rhs.rules.count
            && zip(lhs.rules, rhs.rules).allSatisfy { $0.figures == $1.figures && $0.staleAfter == $1.staleAfter }
    }

    /// The figures of the rule named `name`, if the config has it.
    public func figures(_ name: String) -> RuleFigures? {
        rules.first { $0.figures.rule == name }?.figures
    }
}

/// The shortest ladder `stale_after` that would have kept a rule's premature resolves under 1 %.
public struct Suggestion: Sendable, Equatable {
    /// The rule's name, or `default`.
    public var rule: String
    /// What the config says now.
    public var current: StaleAfter
    /// What the replay suggests.
    public var staleAfter: StaleAfter

    /// Creates a suggestion.
    public init(rule: String, current: StaleAfter, staleAfter: StaleAfter) {
        self.rule = rule
        self.current = current
        self.staleAfter = staleAfter
    }
}
