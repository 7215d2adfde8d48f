import Alerts
import Foundation

extension CronExpression {
    /// How far ahead of now fire times are looked at: a weekly schedule shows its whole cycle.
    public static let gapWindow: Duration = .seconds(7 * 86_400)

    /// The times a schedule can be evaluated at: 1900-01-01 up to 2101-01-01 (UTC), so that no
    /// `--now`, however odd, makes the arithmetic overflow; outside them nothing fires.
    static let evaluableTimes: Range<Int64> = -2_208_988_800..<4_133_980_800

    /// The longest elapsed time, in seconds, from a fire time in the 7 days after `now` to the next
    /// fire time (which may fall later), for a schedule in the time zone named `timeZone` (UTC
    /// when nil or empty).
    ///
    /// When nothing fires within the 7 days, the first fire time after them and the one after it
    /// give the gap. A local time the clock skips does not fire; one it repeats fires once, at its
    /// first occurrence. Fire times are searched up to the end of 2099, Quartz's last year.
    ///
    /// - Throws: `ScheduleError` for an unknown time zone, or a schedule that never fires, or stops
    ///   firing, before 2100.
    public func longestGap(after now: Int64, timeZone: String?) throws(ScheduleError) -> Int64 {
        try longestGap(after: now, in: try Self.zone(named: timeZone), named: timeZone, wholeDays: true)
    }

    /// Parses `expression` and returns its longest gap after `now` in `timeZone`; see `longestGap(after:timeZone:)`.
    public static func longestGap(of expression: String, timeZone: String?, after now: Int64) throws(ScheduleError)
        -> Int64
    {
        let parsed: CronExpression
        do {
            parsed = try CronExpression(parsing: expression)
        } catch {
            throw .invalid(error)
        }
        return try parsed.longestGap(after: now, timeZone: timeZone)
    }

    /// The first `count` fire instants at or after `now`, in epoch seconds, in the time zone named `timeZone`.
    public func fireTimes(after now: Int64, count: Int, timeZone: String?) throws(ScheduleError) -> [Int64] {
        let zone = try Self.zone(named: timeZone)
        guard Self.evaluableTimes.contains(now) else { return [] }
        var timeline = ZoneTimeline(zone: zone, origin: now - 2 * 86_400)
        var local = now + timeline.offset(at: now)
        var found: [Int64] = []
        while found.count < count, let fire = nextLocalFire(atOrAfter: local) {
            local = fire + 1
            if let instant = timeline.instant(forLocal: fire), instant >= now { found.append(instant) }
        }
        return found
    }

    /// The time zone a schedule runs in: UTC when no name is given.
    static func zone(named name: String?) throws(ScheduleError) -> TimeZone {
        let trimmed = name?.trimmingCharacters(in: .whitespaces) ?? ""
        if trimmed.isEmpty, let utc = TimeZone(identifier: "UTC") { return utc }
        guard let zone = TimeZone(identifier: trimmed) else { throw .unknownTimeZone(name ?? "") }
        return zone
    }

    /// The longest gap; `wholeDays` lets a day that lies wholly in the window and in one UTC offset
    /// be taken in one step from its profile instead of fire time by fire time.
    func longestGap(after now: Int64, in zone: TimeZone, named name: String?, wholeDays: Bool) throws(ScheduleError)
        -> Int64
    {
        // Errors name the zone as the definition does, not as this platform's zone database spells it.
        let zoneName = name.map { $0.trimmingCharacters(in: .whitespaces) }.flatMap { $0.isEmpty ? nil : $0 } ?? "UTC"
        guard Self.evaluableTimes.contains(now) else { throw .neverFires(expression: text, timeZone: zoneName) }
        var timeline = ZoneTimeline(zone: zone, origin: now - 2 * 86_400)
        let windowEnd = now + Self.gapWindow.wholeSeconds
        let profile = dayProfile
        var local = now + timeline.offset(at: now)
        var previous: Int64?
        var longest: Int64 = 0
        while true {
            guard let fire = nextLocalFire(atOrAfter: local) else {
                guard let previous else { throw .neverFires(expression: text, timeZone: zoneName) }
                throw .stopsFiring(expression: text, timeZone: zoneName, lastFire: previous)
            }
            local = fire + 1
            guard let instant = timeline.instant(forLocal: fire), instant >= now else { continue }
            if let previous {
                longest = max(longest, instant - previous)
                if instant >= windowEnd { return longest }
            }
            previous = instant
            guard wholeDays, profile.last > profile.first else { continue }
            let dayStart = CivilTime.floorDivide(fire, 86_400) * 86_400
            guard fire == dayStart + profile.first else { continue }
            // Within one offset the day's fire times are its profile shifted by a constant, so its
            // gaps are the profile's and only its last fire time matters for the next gap.
            let lastInstant = instant + (profile.last - profile.first)
            guard lastInstant < windowEnd, lastInstant < timeline.segmentEnd(after: instant) else { continue }
            longest = max(longest, profile.widestGap)
            previous = lastInstant
            local = dayStart + profile.last + 1
        }
    }
}
