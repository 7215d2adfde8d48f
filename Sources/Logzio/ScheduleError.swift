import Alerts

/// Why a Logz.io schedule cannot give a re-notify period: the definition is then unusable.
public enum ScheduleError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The cron expression cannot be parsed or uses `L`, `W` or `#`.
    case invalid(CronError)
    /// `schedule.timezone` names no time zone this machine knows.
    case unknownTimeZone(String)
    /// The schedule has no fire time from now until the end of 2099.
    case neverFires(expression: String, timeZone: String)
    /// The schedule fires in the coming days, but not again after `lastFire` (epoch seconds) before 2100.
    case stopsFiring(expression: String, timeZone: String, lastFire: Int64)

    public var description: String {
        switch self {
        case .invalid(let error):
            return error.description
        case .unknownTimeZone(let name):
            return "schedule.timezone \"\(name)\" is not a known time zone; use an IANA name such as Europe/Berlin"
        case .neverFires(let expression, let timeZone):
            return
                "cron expression \"\(expression)\" never fires (in \(timeZone), before \(CronExpression.lastYear + 1))"
        case .stopsFiring(let expression, let timeZone, let lastFire):
            return "cron expression \"\(expression)\" fires for the last time at \(EpochTime.iso8601(lastFire)) "
                + "(in \(timeZone)), so its gaps have no end"
        }
    }
}
