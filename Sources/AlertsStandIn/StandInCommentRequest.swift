/// A request to the comments endpoint that passed the key check, accepted or not.
public struct StandInCommentRequest: Sendable, Equatable {
    /// The incident id in the path.
    public var incidentID: String
    /// The body as sent.
    public var body: String
    /// The status answered.
    public var status: Int
}
