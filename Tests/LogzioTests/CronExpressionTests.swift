import Testing

@testable import Logzio

/// Parsing and the longest gap of Quartz cron expressions, in UTC.
@Suite struct CronExpressionTests {
    /// Monday 2026-03-02T00:00:00Z.
    static let monday: Int64 = 1_772_409_600

    static let gaps: [(String, Int64)] = [
        ("0 0/10 * ? * * *", 600),  // Logz.io's own example, 7 fields
        ("0 */15 * ? * *", 900),
        ("0 0,30 * ? * *", 1_800),
        ("0 5-20/5 * ? * *", 45 * 60),  // :05 :10 :15 :20, then 45 minutes to the next :05
        ("*/30 * * ? * *", 30),
        ("0 0 9,17 ? * *", 16 * 3_600),
        ("0 0 22-2 ? * *", 20 * 3_600),  // a range that wraps: 22, 23, 0, 1, 2
        ("0 0 9 ? * MON-FRI", 3 * 86_400),
        ("0 0 9 ? * mon-fri", 3 * 86_400),
        ("0 0 6 ? * SUN,WED", 4 * 86_400),
        ("0 30 8 ? * MON", 7 * 86_400),  // weekly
        ("0 0 0 ? * 1", 7 * 86_400),  // 1 is Sunday
        ("0 0 12 * * ? 2026", 86_400),
        ("0 0 12 ? JUL,AUG *", 86_400),  // nothing in the 7 days: the first gap after them
        ("0 0 12 1 * ?", 30 * 86_400),  // 2026-04-01 to 2026-05-01
        ("0 0 0 29 FEB ?", (365 * 4 + 1) * 86_400),  // 2028-02-29 to 2032-02-29
        ("* * * ? * *", 1),
    ]

    @Test(arguments: gaps)
    func longestGapInUTC(expression: String, seconds: Int64) throws {
        let cron = try CronExpression(parsing: expression)
        #expect(try cron.longestGap(after: Self.monday, timeZone: nil) == seconds)
        #expect(try cron.longestGap(after: Self.monday, timeZone: "UTC") == seconds)
    }

    @Test func theFirstFireTimesFollowTheFields() throws {
        let cron = try CronExpression(parsing: "15 5-20/5 9 ? * MON-FRI")
        let times = try cron.fireTimes(after: Self.monday, count: 5, timeZone: nil)
        let nine = Self.monday + 9 * 3_600 + 15
        #expect(times == [nine + 300, nine + 600, nine + 900, nine + 1_200, nine + 86_400 + 300])
    }

    @Test func namesContainingLAndWAreNotMistakenForThem() throws {
        let cron = try CronExpression(parsing: "0 0 0 ? JUL WED")
        let first = try #require(try cron.fireTimes(after: Self.monday, count: 1, timeZone: nil).first)
        #expect(first == 1_782_864_000)  // Wednesday 2026-07-01
    }

    @Test(arguments: [
        ("0 0 12 ? * * 2025", "never fires"),
        ("0 0 0 31 FEB ?", "never fires"),
        ("0 0 0 30 2 ? 2027-2099", "never fires"),
    ])
    func schedulesThatNeverFireAreUnusable(expression: String, message: String) throws {
        let cron = try CronExpression(parsing: expression)
        #expect {
            try cron.longestGap(after: Self.monday, timeZone: nil)
        } throws: { error in
            guard case .neverFires = error as? ScheduleError else { return false }
            return (error as? ScheduleError)?.description.contains(message) == true
        }
    }

    @Test func aScheduleThatStopsFiringIsUnusable() throws {
        let cron = try CronExpression(parsing: "0 0 12 * * ? 2026")
        let december28: Int64 = 1_798_416_000
        #expect(throws: ScheduleError.stopsFiring(expression: cron.text, timeZone: "UTC", lastFire: 1_798_718_400)) {
            try cron.longestGap(after: december28, timeZone: nil)
        }
    }

    @Test(arguments: [Int64.max, Int64.min, 4_200_000_000, -3_000_000_000])
    func anOddNowNeverFires(now: Int64) throws {
        let cron = try CronExpression(parsing: "0 0 12 * * ?")
        #expect(throws: ScheduleError.neverFires(expression: cron.text, timeZone: "Europe/Berlin")) {
            try cron.longestGap(after: now, timeZone: "Europe/Berlin")
        }
        #expect(try cron.fireTimes(after: now, count: 3, timeZone: nil) == [])
    }

    @Test func anUnknownTimeZoneIsUnusable() throws {
        let cron = try CronExpression(parsing: "0 0 12 * * ?")
        #expect(throws: ScheduleError.unknownTimeZone("Mars/Olympus_Mons")) {
            try cron.longestGap(after: Self.monday, timeZone: "Mars/Olympus_Mons")
        }
        #expect(try cron.longestGap(after: Self.monday, timeZone: "") == 86_400)
        #expect(throws: ScheduleError.neverFires(expression: "0 0 0 31 2 ?", timeZone: "UTC")) {
            try CronExpression.longestGap(of: "0 0 0 31 2 ?", timeZone: "  ", after: Self.monday)
        }
    }

    static let refusals: [(String, String, String, String)] = [
        ("0 0 0 L * ?", "field 4 (day of month)", "\"L\"", "L (last day) is not supported"),
        ("0 0 0 LW * ?", "field 4 (day of month)", "\"LW\"", "L (last day)"),
        ("0 0 0 15W * ?", "field 4 (day of month)", "\"15W\"", "W (nearest weekday) is not supported"),
        ("0 0 0 ? * 6L", "field 6 (day of week)", "\"6L\"", "L (last day)"),
        ("0 0 0 ? * 6#3", "field 6 (day of week)", "\"6#3\"", "# (the nth weekday of the month) is not supported"),
        ("0 0 0 ? * MON#2", "field 6 (day of week)", "\"MON#2\"", "#"),
        ("0 0 *", "6 or 7", "has 3 fields", "seconds, minutes, hours"),
        ("0 0 0 ? * * * 1", "6 or 7", "has 8 fields", ""),
        ("", "6 or 7", "has 0 fields", ""),
        ("0 60 * ? * *", "field 2 (minutes)", "60 is out of range", "0 to 59"),
        ("0 0 24 ? * *", "field 3 (hours)", "24 is out of range", "0 to 23"),
        ("0 0 0 0 * ?", "field 4 (day of month)", "0 is out of range", "1 to 31"),
        ("0 0 0 ? * 0", "field 6 (day of week)", "0 is out of range", "1 to 7"),
        ("0 0 0 ? FOO *", "field 5 (month)", "\"FOO\" is not a number or a name", "JAN"),
        ("0 0 0 ? * * 1969", "field 7 (year)", "1969 is out of range", "1970 to 2099"),
        ("0 0/0 * ? * *", "field 2 (minutes)", "\"0/0\"", "at least 1"),
        ("0 0/x * ? * *", "field 2 (minutes)", "\"0/x\"", "at least 1"),
        ("0 ? * * * *", "field 2 (minutes)", "\"?\"", "only in day of month and day of week"),
        ("0 0 0 ?/2 * *", "field 4 (day of month)", "\"?/2\"", "stands alone"),
        ("0 0 0 ? * ,MON", "field 6 (day of week)", "\",MON\"", "empty item"),
        ("0 0 1-2-3 ? * *", "field 3 (hours)", "\"1-2-3\"", "one -"),
        ("0 0 5- ? * *", "field 3 (hours)", "\"5-\"", "missing"),
        ("0 0 0 1 * MON", "fields 4 and 6", "\"1 MON\"", "write ? in one of them"),
        ("0 0 12.5 ? * *", "field 3 (hours)", "\"12.5\" is not a number", ""),
    ]

    @Test(arguments: refusals)
    func refusesWhatItCannotEvaluate(expression: String, field: String, part: String, reason: String) {
        #expect {
            try CronExpression(parsing: expression)
        } throws: { error in
            let text = (error as? CronError)?.description ?? ""
            return text.contains(field) && text.contains(part) && text.contains(reason)
                && text.hasPrefix("cron expression \"\(expression)\"")
        }
    }

    @Test func takingWholeDaysAtOnceChangesNoResult() throws {
        let expressions = [
            "0 0/10 * ? * *", "0 5-20/5 * ? * *", "*/20 0,30 1-3 ? * *", "0 0 22-2 ? * *", "0 30 2 ? * *",
            "0 0 * ? * *", "0 0 9 ? * MON-FRI", "0 0 0 ? * *", "0 15,45 0-23/4 ? * SUN,TUE,SAT",
        ]
        let zones = ["UTC", "America/New_York", "Europe/Berlin", "Australia/Lord_Howe", "Asia/Kolkata"]
        for now in [Self.monday, 1_772_668_800, 1_793_232_000, 1_774_483_200] {
            for zone in zones {
                let timeZone = try CronExpression.zone(named: zone)
                for expression in expressions {
                    let cron = try CronExpression(parsing: expression)
                    let quick = try cron.longestGap(after: now, in: timeZone, named: zone, wholeDays: true)
                    let slow = try cron.longestGap(after: now, in: timeZone, named: zone, wholeDays: false)
                    #expect(quick == slow, "\(expression) in \(zone) from \(now)")
                }
            }
        }
    }

    @Test func hundredsOfDefinitionsAreQuick() throws {
        let started = ContinuousClock.now
        for minute in 0..<300 {
            let gap = try CronExpression.longestGap(
                of: "0 \(minute % 60)/10 * ? * *", timeZone: "Europe/Berlin", after: 1_774_483_200 + Int64(minute))
            let first = minute % 60
            let last = first + (59 - first) / 10 * 10
            #expect(gap == Int64(max(10, 60 - last + first) * 60))
        }
        // A guard against a walk minute by minute through each week, not a performance target: a loaded
        // 2-core machine took 10.6 s here once.
        #expect(ContinuousClock.now - started < .seconds(60))
    }
}
