import Logzio
import Testing

/// Fire times and gaps in time zones with a daylight-saving change inside the 7 days.
@Suite struct CronTimeZoneTests {
    static let hour: Int64 = 3_600
    static let day: Int64 = 86_400
    /// 2026-03-05T00:00:00Z, three days before New York springs forward (2026-03-08 07:00Z).
    static let beforeSpringInNewYork: Int64 = 1_772_668_800
    /// 2026-10-29T00:00:00Z, three days before New York falls back (2026-11-01 06:00Z).
    static let beforeFallInNewYork: Int64 = 1_793_232_000
    /// 2026-03-26T00:00:00Z, three days before Berlin springs forward (2026-03-29 01:00Z).
    static let beforeSpringInBerlin: Int64 = 1_774_483_200

    static func gaps(_ times: [Int64]) -> [Int64] {
        zip(times, times.dropFirst()).map { $1 - $0 }
    }

    @Test func aSkippedLocalTimeDoesNotFire() throws {
        let cron = try CronExpression(parsing: "0 30 2 ? * *")
        let start = Self.beforeSpringInNewYork
        let times = try cron.fireTimes(after: start, count: 5, timeZone: "America/New_York")
        // 02:30 EST is 07:30Z; there is no 02:30 on 2026-03-08; 02:30 EDT is 06:30Z.
        let expected = [
            start + 7 * Self.hour + 30 * 60, start + Self.day + 7 * Self.hour + 30 * 60,
            start + 2 * Self.day + 7 * Self.hour + 30 * 60, start + 4 * Self.day + 6 * Self.hour + 30 * 60,
            start + 5 * Self.day + 6 * Self.hour + 30 * 60,
        ]
        #expect(times == expected)
        #expect(try cron.longestGap(after: start, timeZone: "America/New_York") == 47 * Self.hour)
        #expect(try cron.longestGap(after: Self.beforeSpringInBerlin, timeZone: "Europe/Berlin") == 47 * Self.hour)
    }

    @Test func aRepeatedLocalTimeFiresOnce() throws {
        let cron = try CronExpression(parsing: "0 0 * ? * *")
        let fallBack: Int64 = 1_793_512_800  // 2026-11-01T06:00:00Z: 02:00 EDT becomes 01:00 EST
        let times = try cron.fireTimes(after: fallBack - 3 * Self.hour + 1, count: 4, timeZone: "America/New_York")
        // 00:00 EDT, 01:00 EDT, (01:00 EST skipped), 02:00 EST, 03:00 EST.
        #expect(
            times == [fallBack - 2 * Self.hour, fallBack - Self.hour, fallBack + Self.hour, fallBack + 2 * Self.hour])
        #expect(try cron.longestGap(after: Self.beforeFallInNewYork, timeZone: "America/New_York") == 2 * Self.hour)
    }

    @Test func hourlyAcrossSpringForwardKeepsOneHourGaps() throws {
        let cron = try CronExpression(parsing: "0 0 * ? * *")
        // 01:00 EST (06:00Z) is followed by 03:00 EDT (07:00Z): an hour of elapsed time.
        #expect(try cron.longestGap(after: Self.beforeSpringInNewYork, timeZone: "America/New_York") == Self.hour)
    }

    @Test(arguments: [
        ("0 30 1 ? * *", "America/New_York", beforeFallInNewYork, 25 * hour, 25 * hour),
        ("0 30 3 ? * *", "Europe/Berlin", beforeSpringInBerlin, 23 * hour, 24 * hour),
        ("0 30 3 ? * *", "America/New_York", beforeSpringInNewYork, 23 * hour, 24 * hour),
        ("0 0 9 ? * *", "Asia/Kolkata", beforeSpringInBerlin, 24 * hour, 24 * hour),
    ])
    func dailyGapsAreElapsedTime(expression: String, zone: String, now: Int64, changed: Int64, longest: Int64) throws {
        let cron = try CronExpression(parsing: expression)
        let gaps = Self.gaps(try cron.fireTimes(after: now, count: 8, timeZone: zone))
        #expect(gaps.count == 7)
        #expect(gaps.filter { $0 != Self.day } == (changed == Self.day ? [] : [changed]))
        #expect(try cron.longestGap(after: now, timeZone: zone) == longest)
    }

    @Test func aScheduleIsReadInItsOwnZone() throws {
        let cron = try CronExpression(parsing: "0 0 9 ? * *")
        let first = try #require(
            try cron.fireTimes(after: Self.beforeSpringInBerlin, count: 1, timeZone: "Asia/Kolkata").first)
        #expect(first == Self.beforeSpringInBerlin + 3 * Self.hour + 30 * 60)  // 09:00 IST is 03:30Z
    }

    @Test func everySecondAcrossAChangeIsQuick() throws {
        let cron = try CronExpression(parsing: "* * * ? * *")
        let started = ContinuousClock.now
        #expect(try cron.longestGap(after: Self.beforeSpringInBerlin, timeZone: "Europe/Berlin") == 1)
        // A guard against a walk second by second through the week (minutes), not a performance target.
        #expect(ContinuousClock.now - started < .seconds(60))
    }
}
