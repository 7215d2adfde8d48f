/// The rules every ledger backend obeys, written once; a backend only says them in its SQL dialect.
///
/// - Recording: the newest event by receive time is the alert's state (ties go to the one recorded
///   last); an older event recorded late is history; a non-`ok` event on an alert that is not open opens
///   a new episode; an `ok` event resolves it.
/// - The fence: a send changes an alert's state only while its current event is still the one the
///   sweep decided on, and only from the states the send may change.
/// - Rejection: BigPanda refusing our `ok` permanently in `rejectedAfterRuns` runs marks the alert
///   `rejected`.
/// - Refires: a non-`ok` event within `refireWindow` after one of our accepted `ok`s is counted.
public enum LedgerRules {
    /// Runs in which BigPanda permanently refused an alert's `ok` before it is marked `rejected`.
    public static let rejectedAfterRuns = 3

    /// How soon after one of our accepted `ok`s a new non-`ok` event counts as a refire (1 h).
    public static let refireWindow: Int64 = 3_600

    /// Whether an event received at `receivedAt` refires an alert whose last accepted `ok` left at `sentAt`.
    public static func isRefire(receivedAt: Int64, afterOKSentAt sentAt: Int64) -> Bool {
        receivedAt >= sentAt && receivedAt - sentAt <= refireWindow
    }

    /// What recording one event does to its alert, decided from the alert's row before it.
    public struct Recording: Sendable, Equatable {
        /// Whether the event becomes the alert's current state (false: it is history).
        public var becomesCurrent: Bool
        /// The alert's state afterwards, when the event becomes current.
        public var state: AlertState
        /// Whether the event opens a new episode (a non-`ok` on an alert that was not open).
        public var opensEpisode: Bool
        /// When the alert was resolved, and how: set by an `ok` event, cleared by any other.
        public var resolved: (at: Int64, by: ResolvedBy)?
        /// Whether the event counts as a refire of our last accepted `ok` (the backend finds that `ok`).
        public var mayRefire: Bool

        public static func == (lhs: Recording, rhs: Recording) -> Bool {
            lhs.becomesCurrent == rhs.becomesCurrent && lhs.state == rhs.state && lhs.opensEpisode == rhs.opensEpisode
                && lhs.resolved?.at == rhs.resolved?.at && lhs.resolved?.by == rhs.resolved?.by
                && lhs.mayRefire == rhs.mayRefire
        }
    }

    /// Decides what recording an event does: `isOK` and `receivedAt` describe the event, `existing` the
    /// alert's state and last receive time before it (nil for a new alert).
    public static func recording(
        isOK: Bool, receivedAt: Int64, existing: (state: AlertState, lastReceived: Int64)?
    ) -> Recording {
        let state: AlertState = isOK ? .resolved : .open
        let resolved = isOK ? (at: receivedAt, by: ResolvedBy.event) : nil
        guard let existing else {
            return Recording(
                becomesCurrent: true, state: state, opensEpisode: false, resolved: resolved, mayRefire: false)
        }
        return Recording(
            becomesCurrent: receivedAt >= existing.lastReceived, state: state,
            opensEpisode: !isOK && existing.state != .open, resolved: resolved,
            mayRefire: !isOK && existing.state == .resolved)
    }
}

extension SendRecord {
    /// The states from which this send may change its alert (the fence's other half): an `ok` closes
    /// only an open alert; a close by id also re-closes one resolved before that BigPanda still shows.
    public var fencedStates: [AlertState] {
        method == .id ? [.open, .resolved] : [.open]
    }

    /// How the alert was resolved when this send resolved it.
    public var resolvedBy: ResolvedBy {
        method == .id ? .id : .ok
    }
}

extension AlertState {
    /// States as an SQL list of literals, `('open', 'resolved')`, for a backend's statements.
    public static func sqlList(_ states: [AlertState]) -> String {
        "(" + states.map { "'\($0.rawValue)'" }.joined(separator: ", ") + ")"
    }
}
