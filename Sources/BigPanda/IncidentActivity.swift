public import Alerts

/// One entry of an incident's activity feed, read tolerantly: `{"id", "type", "created_at",
/// "created_by": {"type": "user" | "api" | …, "name"}}`. BigPanda documents the feed thinly, so a time
/// may come in seconds, milliseconds or ISO 8601, and the actor's name may be its `name` or `email`.
public struct IncidentActivity: Sendable, Equatable {
    /// The activity's id, as text, when it has one.
    public var id: String?
    /// `type`, such as `incident_assigned`, `incident_unassigned`, `incident_commented` or
    /// `incident_snoozed`.
    public var type: String
    /// `created_at` in epoch seconds; nil when missing or unreadable.
    public var createdAt: Int64?
    /// `created_by.type`, lowercased: `user` for a person, `api` for an API key (this tool's own comments).
    public var actorType: String?
    /// `created_by.name` (else its `email`), for the reasons people read.
    public var actorName: String?

    /// The activity type of an assignment.
    public static let assigned = "incident_assigned"
    /// The activity type that ends an assignment.
    public static let unassigned = "incident_unassigned"
    /// The activity type of a comment.
    public static let commented = "incident_commented"

    /// Creates an activity.
    public init(id: String? = nil, type: String, createdAt: Int64?, actorType: String?, actorName: String? = nil) {
        self.id = id
        self.type = type
        self.createdAt = createdAt
        self.actorType = actorType
        self.actorName = actorName
    }

    /// Whether a person did it: `created_by.type` is `user`.
    public var byPerson: Bool { actorType == "user" }

    /// Reads one activity; nil when it is not an object or has no string `type`.
    public static func decode(_ value: JSONValue) -> IncidentActivity? {
        guard let object = value.objectValue, let type = object["type"]?.stringValue, !type.isEmpty else {
            return nil
        }
        let actor = object["created_by"]?.objectValue
        let name = actor?["name"]?.stringValue ?? actor?["email"]?.stringValue
        return IncidentActivity(
            id: IncidentAlert.text(object["id"]), type: type, createdAt: EpochSeconds.read(object["created_at"]),
            actorType: actor?["type"]?.stringValue?.lowercased(), actorName: name.flatMap { $0.isEmpty ? nil : $0 })
    }

    /// The activities of one page of the feed, newest first as BigPanda lists them, how many entries
    /// the page held, and the feed's `total` when the page says it. The page is a bare array, or an
    /// object holding an `activities` or `items` array; nil for anything else. Entries that cannot be
    /// read are skipped (but counted).
    static func decodePage(_ value: JSONValue) -> (activities: [IncidentActivity], count: Int, total: Int?)? {
        let items: [JSONValue]
        var total: Int?
        switch value {
        case .array(let list):
            items = list
        case .object(let object):
            if case .array(let list)? = object["activities"] {
                items = list
            } else if case .array(let list)? = object["items"] {
                items = list
            } else {
                return nil
            }
            total = object["total"]?.integerValue.map(Int.init)
        default:
            return nil
        }
        return (items.compactMap(decode), items.count, total)
    }
}
