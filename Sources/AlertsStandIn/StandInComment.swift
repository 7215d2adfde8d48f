/// A comment the stand-in's BigPanda accepted on an incident.
public struct StandInComment: Sendable, Equatable {
    /// The incident commented on.
    public var incidentID: String
    /// The comment's text, as sent.
    public var text: String
    /// When it was accepted, epoch seconds.
    public var at: Int64
}
