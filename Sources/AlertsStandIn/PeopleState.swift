import Alerts

/// What people did on the stand-in's incidents: snoozes, maintenance, the activity feed and comments,
/// with the faults tests set on the activities and comments endpoints.
struct PeopleState {
    /// Each incident's `snooze` and `maintenance` as the search writes them; absent means null.
    var snoozes: [String: JSONValue] = [:]
    var maintenance: [String: JSONValue] = [:]
    var activities: [StandInActivity] = []
    var nextActivity = 1
    var comments: [StandInComment] = []
    var commentRequests: [StandInCommentRequest] = []
    var activityRequests: [StandInActivityRequest] = []
    var activitiesFault: StandInFault?
    var commentsFault: StandInFault?
    var envelope = StandInActivitiesEnvelope.activities
    /// The longest comment accepted, in characters. BigPanda documents no limit; the stand-in holds
    /// the tool to SPEC.md's 2,000.
    var maxCommentLength = 2_000

    /// Adds an activity to an incident's feed.
    @discardableResult
    mutating func add(
        incidentID: String, type: String, at: Int64, by actor: StandInActor, comment: String? = nil
    ) -> StandInActivity {
        let activity = StandInActivity(
            id: "act-\(nextActivity)", incidentID: incidentID, type: type, createdAt: at, createdBy: actor,
            comment: comment)
        nextActivity += 1
        activities.append(activity)
        return activity
    }

    /// An incident's feed, newest first (the later-added first within one second), narrowed to
    /// `types` when given.
    func feed(incidentID: String, types: Set<String>? = nil) -> [StandInActivity] {
        activities.enumerated()
            .filter { $0.element.incidentID == incidentID && (types?.contains($0.element.type) ?? true) }
            .sorted { ($0.element.createdAt, $0.offset) > ($1.element.createdAt, $1.offset) }
            .map(\.element)
    }

    /// One page of an incident's feed, wrapped in the envelope tests chose.
    func page(incidentID: String, page: Int, perPage: Int, types: Set<String>?) -> String {
        let all = feed(incidentID: incidentID, types: types)
        let start = (page - 1) * perPage
        let items = start < all.count ? all[start..<min(start + perPage, all.count)].map(\.json) : []
        switch envelope {
        case .activities:
            return JSONObject([
                ("activities", .array(items)), ("total", .integer(Int64(all.count))), ("page", .integer(Int64(page))),
                ("per_page", .integer(Int64(perPage))),
            ]).serialized()
        case .items:
            return JSONObject([("items", .array(items)), ("total", .integer(Int64(all.count)))]).serialized()
        case .bareArray:
            return JSONValue.array(items).serialized()
        }
    }
}
