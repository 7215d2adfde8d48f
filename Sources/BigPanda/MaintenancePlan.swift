import Alerts

/// One entry of an alert's `maintenance_plans`: `{id, name, start, end}` with epoch-second times.
///
/// BigPanda does not document the entry's shape, so it is read tolerantly: a bare id (a string or a
/// number) is a plan with no times, and a missing `start` or `end` leaves that side open. An open
/// side counts as active, so a plan that cannot be dated holds rather than lets an alert close.
public struct MaintenancePlan: Sendable, Equatable {
    /// The plan's id, as text.
    public var id: String?
    /// The plan's name, as people see it in BigPanda.
    public var name: String?
    /// When it starts, in epoch seconds; nil when not given.
    public var start: Int64?
    /// When it ends, in epoch seconds; nil when not given.
    public var end: Int64?

    /// Creates a plan.
    public init(id: String? = nil, name: String? = nil, start: Int64? = nil, end: Int64? = nil) {
        self.id = id
        self.name = name
        self.start = start
        self.end = end
    }

    /// Whether it is active at `now` (epoch seconds): `start ≤ now < end`, an open side always met.
    public func isActive(at now: Int64) -> Bool {
        (start.map { $0 <= now } ?? true) && (end.map { now < $0 } ?? true)
    }

    /// Reads an alert's `maintenance_plans`; an absent or null list is empty, and entries that are
    /// neither an object nor an id are skipped.
    static func decodeList(_ value: JSONValue?) -> [MaintenancePlan] {
        guard case .array(let items)? = value else { return [] }
        return items.compactMap { item in
            if let id = IncidentAlert.text(item) { return MaintenancePlan(id: id) }
            guard let object = item.objectValue else { return nil }
            return MaintenancePlan(
                id: IncidentAlert.text(object["id"]), name: object["name"]?.stringValue,
                start: EpochSeconds.read(object["start"]), end: EpochSeconds.read(object["end"]))
        }
    }
}
