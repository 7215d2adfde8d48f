/// Why a Logz.io alert definition gives no re-notify period, so its alerts take the fallback.
public enum RenotifyPeriodError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The definition has no `searchTimeFrameMinutes`, no `output.suppressNotificationsMinutes` and no schedule.
    case noTiming(definitionID: Int64)
    /// The definition's schedule cannot be evaluated.
    case unusableSchedule(definitionID: Int64, ScheduleError)

    public var description: String {
        switch self {
        case .noTiming(let id):
            "Logz.io alert \(id) has no searchTimeFrameMinutes, output.suppressNotificationsMinutes or schedule"
        case .unusableSchedule(let id, let error):
            "Logz.io alert \(id) has an unusable schedule: \(error)"
        }
    }
}
