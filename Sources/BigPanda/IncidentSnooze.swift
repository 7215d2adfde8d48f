import Alerts

/// An incident's `snooze` as BigPanda sends it: `{"snoozed": true, "end_time": <epoch s>,
/// "cancel_on_incident_updates": false}`.
public struct IncidentSnooze: Sendable, Equatable {
    /// `snoozed`: whether a person snoozed the incident (false once the snooze is lifted).
    public var snoozed: Bool
    /// `end_time` in epoch seconds, or nil when the snooze has no end.
    public var endTime: Int64?
    /// `cancel_on_incident_updates`, when BigPanda sent it.
    public var cancelOnIncidentUpdates: Bool?

    /// Creates a snooze.
    public init(snoozed: Bool, endTime: Int64? = nil, cancelOnIncidentUpdates: Bool? = nil) {
        self.snoozed = snoozed
        self.endTime = endTime
        self.cancelOnIncidentUpdates = cancelOnIncidentUpdates
    }

    /// Whether it holds the incident at `now` (epoch seconds): `snoozed` is true and `end_time` is
    /// absent or later than `now`.
    public func isActive(at now: Int64) -> Bool {
        snoozed && (endTime.map { $0 > now } ?? true)
    }

    /// Reads an incident's `snooze`; nil when it is absent, null or not an object. Only a boolean
    /// `snoozed` that is true counts as snoozed.
    static func decode(_ value: JSONValue?) -> IncidentSnooze? {
        guard let object = value?.objectValue else { return nil }
        var cancel: Bool?
        if case .bool(let flag)? = object["cancel_on_incident_updates"] { cancel = flag }
        return IncidentSnooze(
            snoozed: object["snoozed"] == .bool(true), endTime: EpochSeconds.read(object["end_time"]),
            cancelOnIncidentUpdates: cancel)
    }
}
