public import Alerts

/// What Logz.io's trigger log says of one alert's definition in this run.
///
/// Presence always counts: a trigger logged after the alert's last event keeps it. Absence counts only
/// for a `verified` definition, one whose triggers the search has shown it can see.
public struct Evidence: Sendable, Equatable {
    /// How far the trigger log can be trusted for this alert's definition.
    public enum State: String, Sendable, CaseIterable {
        /// The search found a trigger no earlier than 10 minutes before the latest notification the
        /// ledger has for the definition, within the last 24 h: its triggers are seen, so their absence
        /// counts.
        case verified
        /// The definition was not (or could not be) verified this run: only a trigger's presence counts.
        case unverified
        /// The account's search failed this run: no evidence at all, exactly the decision without it.
        case failed
        /// Evidence is off, or the alert has no usable definition id.
        case none
    }

    /// The state.
    public var state: State
    /// The definition's latest logged trigger, in epoch seconds, when the search found one.
    public var lastTrigger: Int64?
    /// The definition id, for reasons.
    public var definitionID: Int64?

    /// Creates evidence.
    public init(state: State, lastTrigger: Int64? = nil, definitionID: Int64? = nil) {
        self.state = state
        self.lastTrigger = lastTrigger
        self.definitionID = definitionID
    }

    /// No evidence: off, or nothing to look up.
    public static let none = Evidence(state: .none)

    /// Whether the definition's triggers are seen, so that `auto` may use the trigger period.
    public var isVerified: Bool { state == .verified }
}

/// Finds the evidence for one alert's last payload (its account and definition id).
public typealias EvidenceResolver = @Sendable (_ payload: JSONObject) -> Evidence
