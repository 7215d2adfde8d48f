public import Alerts

/// One alert as the stand-in's BigPanda holds it.
public struct StandInAlert: Sendable, Equatable {
    /// BigPanda's alert id.
    public var id: String
    /// The incident it belongs to.
    public var incidentID: String
    /// The app key it came under; nil for a seeded alert.
    public var appKey: String?
    /// `source_system`.
    public var sourceSystem: String
    /// The tags, in order.
    public var tags: [(name: String, value: JSONValue)]
    /// The primary property's name.
    public var primaryProperty: String
    /// The secondary property's name, if any.
    public var secondaryProperty: String?
    /// `incident_key`.
    public var incidentKey: String
    /// The current status.
    public var status: String
    /// Whether it is active.
    public var active: Bool
    /// When its last event arrived, in epoch seconds.
    public var lastEventAt: Int64
    /// When it started.
    public var start: Int64
    /// When it ended, or nil.
    public var end: Int64?
    /// The timestamp of the event that set its state (BigPanda keeps the newest).
    public var timestamp: Int64
    /// `maintenance_plans`, empty unless a test sets them.
    public var maintenancePlans: [StandInMaintenancePlan] = []

    /// Creates a seeded alert: active, with tags and its property names.
    public init(
        id: String, sourceSystem: String, tags: [(name: String, value: JSONValue)], primaryProperty: String,
        secondaryProperty: String?, lastEventAt: Int64, status: String = "critical", active: Bool = true
    ) {
        self.id = id
        self.incidentID = "inc-" + id
        self.appKey = nil
        self.sourceSystem = sourceSystem
        self.tags = tags
        self.primaryProperty = primaryProperty
        self.secondaryProperty = secondaryProperty
        let primary = tags.first { $0.name == primaryProperty }?.value.matchText ?? ""
        let secondary = secondaryProperty.flatMap { name in tags.first { $0.name == name }?.value.matchText } ?? ""
        self.incidentKey = secondary.isEmpty ? primary : primary + "__" + secondary
        self.status = status
        self.active = active
        self.lastEventAt = lastEventAt
        self.start = lastEventAt
        self.end = active ? nil : lastEventAt
        self.timestamp = lastEventAt
    }

    public static func == (lhs: StandInAlert, rhs: StandInAlert) -> Bool {
        lhs.id == rhs.id && lhs.active == rhs.active && lhs.status == rhs.status && lhs.timestamp == rhs.timestamp
    }
}

/// The stand-in's BigPanda state: alerts by identity, with the newest-timestamp rule, and batch
/// resolutions applied a little later, as BigPanda applies them.
struct IncidentsState {
    var alerts: [StandInAlert] = []
    var byIdentity: [String: Int] = [:]
    var nextID = 1
    /// Batch resolutions not yet applied: when they are due (monotonic seconds) and their ids.
    var scheduled: [(due: Double, ids: [String])] = []
    /// Monotonic time of the last accepted batch resolution, for the one-per-second limit.
    var lastResolve: Double?
    /// Options tests set; the resolve delay in monotonic seconds, as `scheduled` counts.
    var resolveDelay = 1.0
    var maxResults = 10_000
    var keepOpen: Set<String> = []
    var dropOKs: (@Sendable (JSONObject) -> Bool)?
    var omitActive = false
    var idField = "id"
    var sourceSystemPrefix = "logzio."
    /// Every search's query parameter, and every batch resolution's ids.
    var queries: [String?] = []
    var resolveBodies: [[String]] = []
    /// Snoozes, maintenance, activities and comments: what people did on the incidents.
    var people = PeopleState()

    /// Applies an Alerts API event: a new identity opens an alert; an existing one takes the event only
    /// when it is newer by timestamp (an `ok` must be strictly newer to resolve anything).
    mutating func apply(event: JSONObject, appKey: String, now: Int64) {
        guard let status = event["status"]?.stringValue?.lowercased() else { return }
        let primaryName =
            event["primary_property"]?.stringValue ?? Alert.primaryCandidates.first { event[$0] != nil } ?? "host"
        let secondaryName =
            event["secondary_property"]?.stringValue ?? Alert.secondaryCandidates.first { event[$0] != nil }
        let primary = event[primaryName]?.matchText ?? ""
        let secondary = secondaryName.flatMap { event[$0]?.matchText }
        let key: String
        if let incident = event["incident_identifier"]?.stringValue {
            key = appKey + "\u{0}i\u{0}" + incident
        } else {
            key = appKey + "\u{0}p\u{0}" + primary + "\u{0}" + (secondary ?? "")
        }
        let stamp = event["timestamp"]?.integerValue ?? now
        if let index = byIdentity[key] {
            var alert = alerts[index]
            if status == "ok" {
                guard stamp > alert.timestamp else { return }
                if let dropOKs, dropOKs(event) { return }
                alert.active = false
                alert.end = now
            } else {
                guard stamp >= alert.timestamp else { return }
                alert.active = true
                alert.end = nil
            }
            alert.status = status
            alert.timestamp = stamp
            alert.lastEventAt = now
            alerts[index] = alert
            return
        }
        guard status != "ok" else { return }
        let skipped: Set<String> = [
            "status", "timestamp", "app_key", "description", "primary_property", "secondary_property",
            "incident_identifier",
        ]
        var tags: [(name: String, value: JSONValue)] = []
        for (name, value) in event where !skipped.contains(name) { tags.append((name, value)) }
        var alert = StandInAlert(
            id: String(nextID), sourceSystem: sourceSystemPrefix + appKey, tags: tags, primaryProperty: primaryName,
            secondaryProperty: secondary == nil ? nil : secondaryName, lastEventAt: now, status: status)
        alert.appKey = appKey
        alert.timestamp = stamp
        if let incident = event["incident_identifier"]?.stringValue { alert.incidentKey = incident }
        nextID += 1
        byIdentity[key] = alerts.count
        alerts.append(alert)
    }

    /// Adds alerts that BigPanda has but the ledger never saw. One with an app key also takes later
    /// events for its identity from the Alerts API.
    mutating func seed(_ seeded: [StandInAlert]) {
        for alert in seeded {
            if let appKey = alert.appKey {
                let primary = alert.tags.first { $0.name == alert.primaryProperty }?.value.matchText ?? ""
                let secondary =
                    alert.secondaryProperty.flatMap { name in alert.tags.first { $0.name == name }?.value.matchText }
                byIdentity[appKey + "\u{0}p\u{0}" + primary + "\u{0}" + (secondary ?? "")] = alerts.count
            }
            alerts.append(alert)
            nextID = max(nextID, (Int(alert.id) ?? 0) + 1)
        }
    }

    /// Applies the batch resolutions that are due.
    mutating func settle(at now: Double, wall: Int64) {
        let due = scheduled.filter { $0.due <= now }
        guard !due.isEmpty else { return }
        scheduled.removeAll { $0.due <= now }
        for batch in due {
            for id in batch.ids where !keepOpen.contains(id) {
                guard let index = alerts.firstIndex(where: { $0.id == id }) else { continue }
                alerts[index].active = false
                alerts[index].status = "ok"
                alerts[index].end = wall
            }
        }
    }

    /// The JSON of one incident with its alerts expanded.
    func incidentJSON(_ alert: StandInAlert) -> JSONValue {
        var members: [(key: String, value: JSONValue)] = [
            (idField, .string(alert.id)),
            ("status", .string(alert.status)),
        ]
        if !omitActive { members.append(("active", .bool(alert.active))) }
        members += [
            ("source_system", .string(alert.sourceSystem)),
            ("primary_property", .string(alert.primaryProperty)),
            ("secondary_property", alert.secondaryProperty.map { .string($0) } ?? .null),
            ("incident_key", .string(alert.incidentKey)),
            (
                "tags",
                .array(
                    alert.tags.map { .object(JSONObject([("name", .string($0.name)), ("value", $0.value)])) })
            ),
            ("start", .integer(alert.start)),
            ("changed_at", .integer(alert.lastEventAt)),
            ("last_event_at", .integer(alert.lastEventAt)),
            ("end", alert.end.map { .integer($0) } ?? .null),
            ("maintenance_plans", .array(alert.maintenancePlans.map(\.json))),
        ]
        return .object(
            JSONObject([
                ("id", .string(alert.incidentID)),
                ("status", .string(alert.status)),
                ("active", .bool(alert.active)),
                ("start", .integer(alert.start)),
                ("changed_at", .integer(alert.lastEventAt)),
                ("end", alert.end.map { .integer($0) } ?? .null),
                ("snooze", people.snoozes[alert.incidentID] ?? .null),
                ("maintenance", people.maintenance[alert.incidentID] ?? .null),
                ("alerts", .array([.object(JSONObject(members))])),
            ]))
    }
}
