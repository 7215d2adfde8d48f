import Alerts

/// What a person set in BigPanda that keeps an alert open (SPEC.md, "People in BigPanda"); the raw
/// values are the names `keep_when` lists.
///
/// The rules are pure, with `now` a parameter: the sweep reads the incident (with the search) and its
/// activities, then asks which holds apply.
public enum IncidentHold: String, Sendable, CaseIterable, Hashable {
    /// The incident's `snooze.snoozed` is true and its `end_time` is absent or later than now.
    case snoozed
    /// The incident's `maintenance` is set, or one of the alert's `maintenance_plans` has
    /// `start ≤ now < end`.
    case maintenance
    /// The incident's activities hold an `incident_assigned` that no `incident_unassigned` follows,
    /// whatever its age.
    case assigned
    /// A person (`created_by.type` is `user`) commented on the incident after the alert's last event;
    /// the tool's own comments come back as `api` and never hold.
    case commented

    /// Whether deciding it takes the incident's activities (one more read per incident), not only what
    /// the search returned.
    public var needsActivities: Bool {
        switch self {
        case .snoozed, .maintenance: false
        case .assigned, .commented: true
        }
    }

    /// The holds among `checking` that apply to `alert` at `now` (epoch seconds), in the order of
    /// `allCases`, each with its reason; empty when the alert may close.
    ///
    /// - Parameters:
    ///   - activities: the incident's activity feed, newest first as BigPanda lists it; only read for
    ///     `assigned` and `commented`.
    ///   - lastEventAt: when the alert's last event arrived, in epoch seconds; a comment holds only when
    ///     it is newer.
    public static func holds(
        on alert: IncidentAlert, activities: [IncidentActivity], lastEventAt: Int64, now: Int64,
        checking: Set<IncidentHold> = Set(IncidentHold.allCases)
    ) -> [IncidentHoldReason] {
        allCases.filter(checking.contains).compactMap { hold in
            hold.reason(on: alert, activities: activities, lastEventAt: lastEventAt, now: now).map {
                IncidentHoldReason(hold: hold, reason: $0)
            }
        }
    }

    /// Why this hold keeps `alert` open at `now`, or nil when it does not.
    public func reason(
        on alert: IncidentAlert, activities: [IncidentActivity], lastEventAt: Int64, now: Int64
    ) -> String? {
        let incident = "incident " + Self.shortID(alert.incidentID)
        switch self {
        case .snoozed:
            guard let snooze = alert.incidentSnooze, snooze.isActive(at: now) else { return nil }
            return incident + " is snoozed "
                + (snooze.endTime.map { "until " + Self.clock($0, now: now) } ?? "with no end")
        case .maintenance:
            if let state = alert.incidentMaintenance {
                return incident + " is in maintenance" + (Self.stateName(state).map { " (\($0))" } ?? "")
            }
            guard let plan = alert.maintenancePlans.first(where: { $0.isActive(at: now) }) else { return nil }
            let name = plan.name.map { "\"\($0)\"" } ?? plan.id
            return "maintenance plan" + (name.map { " " + $0 } ?? "") + " is active "
                + (plan.end.map { "until " + Self.clock($0, now: now) } ?? "with no end")
        case .assigned:
            guard let assignment = Self.openAssignment(in: activities) else { return nil }
            return incident + " is assigned" + Self.byAt(assignment, now: now)
        case .commented:
            let comments = activities.enumerated().filter { _, activity in
                activity.type == IncidentActivity.commented && activity.byPerson
                    && (activity.createdAt.map { $0 > lastEventAt } ?? true)
            }
            guard let newest = comments.min(by: Self.newer)?.element else { return nil }
            return (newest.actorName ?? "a person") + " commented on " + incident
                + (newest.createdAt.map { " at " + Self.clock($0, now: now) } ?? "") + ", after the alert's last event"
        }
    }

    /// The newest assignment that no unassignment follows, if any.
    static func openAssignment(in activities: [IncidentActivity]) -> IncidentActivity? {
        let changes = activities.enumerated().filter {
            $0.element.type == IncidentActivity.assigned || $0.element.type == IncidentActivity.unassigned
        }
        let open = changes.filter { assignment in
            assignment.element.type == IncidentActivity.assigned
                && !changes.contains { $0.element.type == IncidentActivity.unassigned && newer($0, than: assignment) }
        }
        return open.min(by: newer)?.element
    }

    /// Whether `lhs` came after `rhs`: by `created_at` when both have one and they differ, else by the
    /// feed's order (newest first, so a smaller offset is newer).
    static func newer(
        _ lhs: (offset: Int, element: IncidentActivity), than rhs: (offset: Int, element: IncidentActivity)
    ) -> Bool {
        if let left = lhs.element.createdAt, let right = rhs.element.createdAt, left != right { return left > right }
        return lhs.offset < rhs.offset
    }

    /// ` (by Dana at 13:40 UTC)`, with whichever parts are known.
    private static func byAt(_ activity: IncidentActivity, now: Int64) -> String {
        let parts = [activity.actorName.map { "by " + $0 }, activity.createdAt.map { "at " + clock($0, now: now) }]
            .compactMap { $0 }
        return parts.isEmpty ? "" : " (" + parts.joined(separator: " ") + ")"
    }

    /// The state an incident's `maintenance` names: a string, or an object's `state` or `name`.
    private static func stateName(_ value: JSONValue) -> String? {
        if let text = value.stringValue { return text }
        return value.objectValue.flatMap { $0["state"]?.stringValue ?? $0["name"]?.stringValue }
    }

    /// An incident id as reasons show it: whole up to 12 characters, else its first 8 and `…`. BigPanda's
    /// ids are 24 hex digits whose first 8 are the creation second, so 8 tell incidents apart where 4
    /// (18 hours) would not.
    static func shortID(_ id: String) -> String {
        id.count <= 12 ? id : String(id.prefix(8)) + "…"
    }

    /// A time as reasons show it, in UTC: `14:05 UTC` within a day of `now`, else `2026-11-28 14:05 UTC`.
    static func clock(_ seconds: Int64, now: Int64) -> String {
        let iso = EpochTime.iso8601(seconds)
        let time = iso.dropFirst(11).prefix(5)
        let nearby = seconds > now &- 86_400 && seconds < now &+ 86_400
        return nearby ? "\(time) UTC" : "\(iso.prefix(10)) \(time) UTC"
    }
}
