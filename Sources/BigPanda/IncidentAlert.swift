public import Alerts

/// One alert inside an expanded incident, read tolerantly: BigPanda's documentation leaves open
/// whether the id is `id` or `alert_id`, and whether `active` is always present.
public struct IncidentAlert: Sendable, Equatable {
    /// The alert id (`id`, else `alert_id`), as text.
    public var id: String
    /// The incident it belongs to.
    public var incidentID: String
    /// BigPanda's status, e.g. `critical`.
    public var status: String
    /// Whether it is active: `active`, or when that is missing, `end` is null.
    public var active: Bool
    /// `source_system`, e.g. `logzio.production`.
    public var sourceSystem: String
    /// The name of the primary property tag, e.g. `host`.
    public var primaryProperty: String?
    /// The name of the secondary property tag, e.g. `check`.
    public var secondaryProperty: String?
    /// The tags in order, values as BigPanda sent them.
    public var tags: [(name: String, value: JSONValue)]
    /// `incident_key`, BigPanda's dedup key.
    public var incidentKey: String?
    /// `last_event_at`, else `changed_at`, else `start`, in epoch seconds.
    public var lastEventAt: Int64?
    /// Its incident's `snooze`, or nil when the incident has none (absent or null).
    public var incidentSnooze: IncidentSnooze?
    /// Its incident's `maintenance` as BigPanda sent it (a state such as `"partial"`, or an object), or
    /// nil when it is absent, null or false.
    public var incidentMaintenance: JSONValue?
    /// Its own `maintenance_plans`.
    public var maintenancePlans: [MaintenancePlan]

    /// Creates an alert.
    public init(
        id: String, incidentID: String, status: String, active: Bool, sourceSystem: String,
        primaryProperty: String?, secondaryProperty: String?, tags: [(name: String, value: JSONValue)],
        incidentKey: String?, lastEventAt: Int64?, incidentSnooze: IncidentSnooze? = nil,
        incidentMaintenance: JSONValue? = nil, maintenancePlans: [MaintenancePlan] = []
    ) {
        self.id = id
        self.incidentID = incidentID
        self.status = status
        self.active = active
        self.sourceSystem = sourceSystem
        self.primaryProperty = primaryProperty
        self.secondaryProperty = secondaryProperty
        self.tags = tags
        self.incidentKey = incidentKey
        self.lastEventAt = lastEventAt
        self.incidentSnooze = incidentSnooze
        self.incidentMaintenance = incidentMaintenance
        self.maintenancePlans = maintenancePlans
    }

    /// The value of the tag named `name`, if present.
    public func tag(_ name: String) -> JSONValue? {
        tags.first { $0.name == name }?.value
    }

    /// Reads one alert object of an incident; nil when it has no id at all.
    public static func decode(_ value: JSONValue, incidentID: String) -> IncidentAlert? {
        guard let object = value.objectValue else { return nil }
        guard let id = text(object["id"]) ?? text(object["alert_id"]) else { return nil }
        var tags: [(name: String, value: JSONValue)] = []
        if case .array(let items)? = object["tags"] {
            for item in items {
                guard let tag = item.objectValue, let name = tag["name"]?.stringValue, !name.isEmpty else { continue }
                tags.append((name, tag["value"] ?? .null))
            }
        }
        let active: Bool =
            switch object["active"] {
            case .bool(let flag)?: flag
            default: object["end"] == nil || object["end"] == .null
            }
        let lastEventAt = seconds(object["last_event_at"]) ?? seconds(object["changed_at"]) ?? seconds(object["start"])
        return IncidentAlert(
            id: id, incidentID: incidentID, status: object["status"]?.stringValue ?? "critical", active: active,
            sourceSystem: object["source_system"]?.stringValue ?? "",
            primaryProperty: nonEmpty(object["primary_property"]?.stringValue),
            secondaryProperty: nonEmpty(object["secondary_property"]?.stringValue), tags: tags,
            incidentKey: nonEmpty(object["incident_key"]?.stringValue), lastEventAt: lastEventAt,
            maintenancePlans: MaintenancePlan.decodeList(object["maintenance_plans"]))
    }

    /// Reads one alert object of `incident` with what the incident says of people's holds: its `snooze`
    /// and `maintenance`. Nil when the alert has no id at all.
    static func decode(_ value: JSONValue, of incident: JSONObject, incidentID: String) -> IncidentAlert? {
        guard var alert = decode(value, incidentID: incidentID) else { return nil }
        alert.incidentSnooze = IncidentSnooze.decode(incident["snooze"])
        alert.incidentMaintenance = maintenance(incident["maintenance"])
        return alert
    }

    /// An incident's `maintenance`: nil when absent, null, false or empty; otherwise as sent.
    static func maintenance(_ value: JSONValue?) -> JSONValue? {
        switch value {
        case nil, .null?, .bool(false)?: nil
        case .string(let text)? where text.isEmpty: nil
        case .array(let items)? where items.isEmpty: nil
        case .object(let object)? where object.count == 0: nil
        default: value
        }
    }

    /// An id as text: a string as it is, an integer as its digits.
    static func text(_ value: JSONValue?) -> String? {
        switch value {
        case .string(let text)? where !text.isEmpty: text
        case .number(let text)? where value?.isInteger == true: text
        default: nil
        }
    }

    private static func seconds(_ value: JSONValue?) -> Int64? {
        guard case .number(let text)? = value else { return nil }
        if let whole = Int64(text) { return whole }
        // Milliseconds or a fraction would be a surprise; take the whole seconds.
        return Double(text).map { Int64($0) }
    }

    private static func nonEmpty(_ text: String?) -> String? {
        guard let text, !text.isEmpty else { return nil }
        return text
    }

    public static func == (lhs: IncidentAlert, rhs: IncidentAlert) -> Bool {
        lhs.id == rhs.id && lhs.incidentID == rhs.incidentID && lhs.status == rhs.status && lhs.active == rhs.active
            && lhs.sourceSystem == rhs.sourceSystem && lhs.primaryProperty == rhs.primaryProperty
            && lhs.secondaryProperty == rhs.secondaryProperty && lhs.incidentKey == rhs.incidentKey
            && lhs.lastEventAt == rhs.lastEventAt && lhs.tags.count == rhs.tags.count
            && zip(lhs.tags, rhs.tags).allSatisfy { $0.name == $1.name && $0.value == $1.value }
            && lhs.incidentSnooze == rhs.incidentSnooze && lhs.incidentMaintenance == rhs.incidentMaintenance
            && lhs.maintenancePlans == rhs.maintenancePlans
    }
}

/// What one complete or truncated incident search found.
public struct IncidentSearch: Sendable, Equatable {
    /// Every alert of every incident read, each once.
    public var alerts: [IncidentAlert]
    /// The `total` BigPanda reported.
    public var total: Int
    /// How many incidents were read.
    public var incidentsRead: Int
    /// Whether the pages ran out before `total` incidents were read (BigPanda returns at most 10,000).
    public var truncated: Bool

    /// Creates a search result.
    public init(alerts: [IncidentAlert], total: Int, incidentsRead: Int, truncated: Bool) {
        self.alerts = alerts
        self.total = total
        self.incidentsRead = incidentsRead
        self.truncated = truncated
    }
}
