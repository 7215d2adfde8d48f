/// A request to the activities endpoint that passed the key check.
public struct StandInActivityRequest: Sendable, Equatable {
    /// The incident id in the path.
    public var incidentID: String
    /// `page`, default 1.
    public var page: Int
    /// `per_page`, default 20.
    public var perPage: Int
    /// The status answered.
    public var status: Int

    /// Creates a record of a request, for comparing.
    public init(incidentID: String, page: Int, perPage: Int, status: Int) {
        self.incidentID = incidentID
        self.page = page
        self.perPage = perPage
        self.status = status
    }
}
