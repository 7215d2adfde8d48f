/// What the rules say about one open alert at one time, with a reason a person can read.
public struct StalenessDecision: Sendable, Equatable {
    /// The matching rule's name, or `default`.
    public var rule: String
    /// That rule's `stale_after`.
    public var staleAfter: StaleAfter
    /// The silence that counted: from the later of the last event and the definition's latest logged
    /// trigger (observed silence when the feed has heartbeats).
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
    /// What the trigger log said of the alert's definition (triggers after `now` left out).
    public var evidence: Evidence = .none
    /// Whether a trigger logged after the last event kept an alert its silence since that event would
    /// have made stale.
    public var keptByTrigger = false

    /// Creates a decision.
    public init(
        rule: String, staleAfter: StaleAfter, silence: Duration, isStale: Bool, staleAt: Int64?, reason: String,
        effectiveStaleAfter: Duration?, source: String, evidence: Evidence = .none, keptByTrigger: Bool = false
    ) {
        self.rule = rule
        self.staleAfter = staleAfter
        self.silence = silence
        self.isStale = isStale
        self.staleAt = staleAt
        self.reason = reason
        self.effectiveStaleAfter = effectiveStaleAfter
        self.source = source
        self.evidence = evidence
        self.keptByTrigger = keptByTrigger
    }
}
