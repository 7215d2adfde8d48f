/// A Quartz cron expression: seconds, minutes, hours, day of month, month, day of week and an optional year.
///
/// It supports `*`, `?`, lists, ranges (wrapping ranges such as `22-2` too), steps (`0/10`, `5-20/5`,
/// `*/15`), month names `JAN`–`DEC` and day names `SUN`–`SAT` (Quartz numbers days 1 = Sunday to
/// 7 = Saturday), in any letter case. `L`, `W` and `#` are refused. Quartz requires `?` in day of
/// month or day of week; this type also takes `*` there, and refuses only an expression that
/// restricts both, since Quartz does not define what that means.
public struct CronExpression: Sendable, Equatable {
    /// The last year Quartz schedules in; a schedule with no fire time before 2100 never fires.
    public static let lastYear = 2099

    /// The expression as given.
    public let text: String
    let seconds: CronField
    let minutes: CronField
    let hours: CronField
    let daysOfMonth: CronField
    let months: CronField
    let daysOfWeek: CronField
    let years: CronField

    init(
        text: String, seconds: CronField, minutes: CronField, hours: CronField, daysOfMonth: CronField,
        months: CronField, daysOfWeek: CronField, years: CronField
    ) {
        self.text = text
        self.seconds = seconds
        self.minutes = minutes
        self.hours = hours
        self.daysOfMonth = daysOfMonth
        self.months = months
        self.daysOfWeek = daysOfWeek
        self.years = years
    }

    /// The first local fire time at or after `local`, both in seconds since 1970-01-01T00:00 local
    /// time (a clock that never jumps), or nil when there is none before 2100.
    ///
    /// Each field is advanced to its next allowed value at once, so a step costs a few table
    /// lookups, and a date that does not match costs one day.
    func nextLocalFire(atOrAfter local: Int64) -> Int64? {
        let startDay = CivilTime.floorDivide(local, 86_400)
        let secondOfDay = Int(local - startDay * 86_400)
        var (year, month, day) = CivilTime.date(days: startDay)
        var hour = secondOfDay / 3_600
        var minute = secondOfDay / 60 % 60
        var second = secondOfDay % 60
        func startOfDay() {
            hour = 0
            minute = 0
            second = 0
        }
        while true {
            guard year <= years.upper else { return nil }
            if !years.contains(year) {
                guard let next = years.next(atOrAfter: year) else { return nil }
                year = next
                month = 1
                day = 1
                startOfDay()
                continue
            }
            if !months.contains(month) {
                if let next = months.next(atOrAfter: month) {
                    month = next
                } else {
                    year += 1
                    month = 1
                }
                day = 1
                startOfDay()
                continue
            }
            if day > CivilTime.daysInMonth(year: year, month: month) {
                month += 1
                if month > 12 {
                    year += 1
                    month = 1
                }
                day = 1
                startOfDay()
                continue
            }
            let dayNumber = CivilTime.days(year: year, month: month, day: day)
            if !daysOfMonth.contains(day) || !daysOfWeek.contains(CivilTime.weekday(days: dayNumber)) {
                day += 1
                startOfDay()
                continue
            }
            guard let nextHour = hours.next(atOrAfter: hour) else {
                day += 1
                startOfDay()
                continue
            }
            if nextHour != hour {
                hour = nextHour
                minute = 0
                second = 0
            }
            guard let nextMinute = minutes.next(atOrAfter: minute) else {
                hour += 1
                minute = 0
                second = 0
                continue
            }
            if nextMinute != minute {
                minute = nextMinute
                second = 0
            }
            guard let nextSecond = seconds.next(atOrAfter: second) else {
                minute += 1
                second = 0
                continue
            }
            return dayNumber * 86_400 + Int64(hour * 3_600 + minute * 60 + nextSecond)
        }
    }

    /// The fire times of any day the date fields allow, as seconds of the local day; they are the
    /// same every such day, because the time fields do not depend on the date.
    var dayProfile: DayProfile {
        let firstOfHour = minutes.first * 60 + seconds.first
        let lastOfHour = minutes.last * 60 + seconds.last
        var widest = seconds.widestStep
        for (earlier, later) in zip(minutes.values, minutes.values.dropFirst()) {
            widest = max(widest, (later - earlier) * 60 + seconds.first - seconds.last)
        }
        for (earlier, later) in zip(hours.values, hours.values.dropFirst()) {
            widest = max(widest, (later - earlier) * 3_600 + firstOfHour - lastOfHour)
        }
        return DayProfile(
            first: Int64(hours.first * 3_600 + firstOfHour), last: Int64(hours.last * 3_600 + lastOfHour),
            widestGap: Int64(widest))
    }

    /// The fire times within one allowed day, in seconds of the local day.
    struct DayProfile: Sendable, Equatable {
        /// The first fire time of the day.
        var first: Int64
        /// The last fire time of the day.
        var last: Int64
        /// The longest gap between two fire times of the same day, 0 when the day has one.
        var widestGap: Int64
    }
}
