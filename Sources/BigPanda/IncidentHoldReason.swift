/// A hold found on an alert's incident, with the sentence people read about it
/// (`incident 7f3a1b2c… is snoozed until 14:05 UTC`).
public struct IncidentHoldReason: Sendable, Equatable, CustomStringConvertible {
    /// Which hold.
    public var hold: IncidentHold
    /// Why, in one clause without a leading "kept:".
    public var reason: String

    /// Creates a found hold.
    public init(hold: IncidentHold, reason: String) {
        self.hold = hold
        self.reason = reason
    }

    /// The reason, as logs and reports print it.
    public var description: String { reason }
}
