import Alerts
public import Ledger
public import Staleness

/// The one evaluation of "this ledger alert, now" that `sweep`, `list` and `check` share: the rules
/// (with `auto` and observed silence) over the fields of the alert's last payload they read.
public struct AlertEvaluator: Sendable {
    /// The rules.
    public let policy: StalenessPolicy
    /// When the feed was observed alive, from the relay's heartbeats; nil counts all silence.
    public let feed: FeedLiveness?
    /// Resolves `stale_after: auto`; nil when no definitions are available.
    public let auto: AutoResolver?
    /// What Logz.io's trigger log says of an alert's definition; nil when evidence is off.
    public let evidence: EvidenceResolver?
    private let fields: Set<String>

    /// What the rules say about one alert, or why its payload could not be read.
    public enum Evaluation: Sendable {
        /// The rules decided.
        case decided(StalenessDecision)
        /// The stored payload cannot be read: such an alert is kept, never resolved.
        case unreadable(reason: String)
    }

    /// Creates an evaluator. `extraFields` are payload fields `auto` and evidence read besides the rules'
    /// (the definition id, the Logz.io account).
    public init(
        policy: StalenessPolicy, feed: FeedLiveness?, auto: AutoResolver?, evidence: EvidenceResolver? = nil,
        extraFields: Set<String> = []
    ) {
        self.policy = policy
        self.feed = feed
        self.auto = auto
        self.evidence = evidence
        fields = policy.matchFields.union(extraFields)
    }

    /// Whether an evaluation reads the alert's payload, so the ledger must load it.
    public var readsPayload: Bool { !fields.isEmpty }

    /// Evaluates `alert` at `now`. Only the fields the rules read are decoded (none without rules).
    public func evaluate(_ alert: LedgerAlert, now: Int64) -> Evaluation {
        let payload: JSONObject
        do {
            payload = fields.isEmpty ? JSONObject() : try RawJSONObject(Array(alert.payloadText.utf8)).subset(fields)
        } catch {
            return .unreadable(reason: "the stored payload cannot be read: \(error)")
        }
        return .decided(
            policy.decide(
                payload: payload, lastReceived: alert.lastReceived, now: now, feed: feed, auto: auto,
                evidence: evidence))
    }
}

extension AlertEvaluator.Evaluation {
    /// The rules' decision; nil for an unreadable payload, which no rule was read for.
    public var decision: StalenessDecision? {
        if case .decided(let decision) = self { decision } else { nil }
    }

    /// The rule that applied (`default` when none matched); nil for an unreadable payload.
    public var rule: String? { decision?.rule }

    /// Whether the alert is stale; an unreadable payload is kept, never resolved.
    public var isStale: Bool { decision?.isStale ?? false }

    /// Why, in words.
    public var reason: String {
        switch self {
        case .decided(let decision): decision.reason
        case .unreadable(let reason): "kept: \(reason)"
        }
    }

    /// The rule's `stale_after`; `never` for an unreadable payload.
    public var staleAfter: StaleAfter { decision?.staleAfter ?? .never }

    /// When the alert goes stale if nothing arrives; nil if stale or never, or unreadable.
    public var staleAt: Int64? { decision?.staleAt }

    /// The `stale_after` that applied; nil for never and for an unreadable payload.
    public var effectiveStaleAfter: Duration? { decision?.effectiveStaleAfter }

    /// Where that `stale_after` came from.
    public var source: String { decision?.source ?? "unreadable payload" }

    /// What Logz.io's trigger log said of the alert's definition; none for an unreadable payload.
    public var evidence: Evidence { decision?.evidence ?? .none }
}
