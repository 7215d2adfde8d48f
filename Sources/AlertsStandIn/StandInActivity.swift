import Alerts

/// Who did something on an incident, as BigPanda's activity feed names them in `created_by`.
public struct StandInActor: Sendable, Equatable {
    /// `created_by.type`: `user` for a person, `api` for an API key.
    public var type: String
    /// `created_by.name`.
    public var name: String

    /// Creates an actor.
    public init(type: String, name: String) {
        self.type = type
        self.name = name
    }

    /// A person.
    public static func user(_ name: String) -> StandInActor { StandInActor(type: "user", name: name) }

    /// An API key, as this tool's own comments come back.
    public static func api(_ name: String = "API") -> StandInActor { StandInActor(type: "api", name: name) }
}

/// One entry of an incident's activity feed in the stand-in's BigPanda.
public struct StandInActivity: Sendable, Equatable {
    /// Its id, `act-<n>`.
    public var id: String
    /// The incident it belongs to.
    public var incidentID: String
    /// `type`, such as `incident_assigned`.
    public var type: String
    /// `created_at`, epoch seconds.
    public var createdAt: Int64
    /// `created_by`.
    public var createdBy: StandInActor
    /// The text of a comment, for `incident_commented` activities the comments endpoint added.
    public var comment: String?

    /// The activity as the feed writes it.
    var json: JSONValue {
        var members: [(key: String, value: JSONValue)] = [
            ("id", .string(id)), ("type", .string(type)), ("incident_id", .string(incidentID)),
            ("created_at", .integer(createdAt)),
            (
                "created_by",
                .object(JSONObject([("type", .string(createdBy.type)), ("name", .string(createdBy.name))]))
            ),
        ]
        if let comment { members.append(("comment", .string(comment))) }
        return .object(JSONObject(members))
    }
}
