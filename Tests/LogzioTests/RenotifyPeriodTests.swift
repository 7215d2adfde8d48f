import Logzio
import Staleness
import Testing

/// P and `stale_after = max(auto_min, auto_factor × P + 2m)`, with the derivation text.
@Suite struct RenotifyPeriodTests {
    /// Monday 2026-03-02T00:00:00Z.
    static let now: Int64 = 1_772_409_600

    struct Case: Sendable, CustomTestStringConvertible {
        var definition: AlertDefinition
        var factor: Double = 3
        var minimum: Int64 = 900
        var seconds: Int64
        var source: String
        var testDescription: String { source }
    }

    static let cases: [Case] = [
        Case(
            definition: AlertDefinition(id: 123, searchTimeFrameMinutes: 15, suppressNotificationsMinutes: 60),
            seconds: 3 * 3_600 + 120, source: "auto: Logz.io alert 123, time frame 15m, wait 1h → 3 × 1h + 2m"),
        Case(
            definition: AlertDefinition(id: 7, searchTimeFrameMinutes: 60, suppressNotificationsMinutes: 15),
            seconds: 3 * 3_600 + 120, source: "auto: Logz.io alert 7, time frame 1h, wait 15m → 3 × 1h + 2m"),
        Case(
            definition: AlertDefinition(id: 8, searchTimeFrameMinutes: 5),
            seconds: 3 * 300 + 120, source: "auto: Logz.io alert 8, time frame 5m → 3 × 5m + 2m"),
        Case(
            definition: AlertDefinition(id: 9, suppressNotificationsMinutes: 30),
            seconds: 3 * 1_800 + 120, source: "auto: Logz.io alert 9, wait 30m → 3 × 30m + 2m"),
        Case(
            definition: AlertDefinition(id: 10, searchTimeFrameMinutes: 1),
            seconds: 900, source: "auto: Logz.io alert 10, time frame 1m → auto_min 15m (3 × 1m + 2m is only 5m)"),
        Case(
            definition: AlertDefinition(id: 11, searchTimeFrameMinutes: 1), minimum: 300,
            seconds: 300, source: "auto: Logz.io alert 11, time frame 1m → 3 × 1m + 2m"),
        Case(
            definition: AlertDefinition(id: 12, searchTimeFrameMinutes: 0), minimum: 0,
            seconds: 120, source: "auto: Logz.io alert 12, time frame 0s → 3 × 0s + 2m"),
        Case(
            definition: AlertDefinition(id: 13, suppressNotificationsMinutes: 60), factor: 2.5,
            seconds: 9_120, source: "auto: Logz.io alert 13, wait 1h → 2.5 × 1h + 2m"),
        Case(
            definition: AlertDefinition(id: 14, searchTimeFrameMinutes: 10), factor: 1.1, minimum: 0,
            seconds: 780, source: "auto: Logz.io alert 14, time frame 10m → 1.1 × 10m + 2m"),
        Case(
            definition: AlertDefinition(id: 15, searchTimeFrameMinutes: 60), factor: 1.0001, minimum: 0,
            seconds: 3_721, source: "auto: Logz.io alert 15, time frame 1h → 1.0001 × 1h + 2m"),
        Case(
            definition: AlertDefinition(id: 16, searchTimeFrameMinutes: 5, cronExpression: "0 0 9 ? * MON-FRI"),
            seconds: 3 * 3 * 86_400 + 120,
            source: "auto: Logz.io alert 16, time frame 5m, schedule gap 3d → 3 × 3d + 2m"),
        Case(
            definition: AlertDefinition(id: 17, searchTimeFrameMinutes: 120, cronExpression: "0 0/10 * ? * * *"),
            seconds: 3 * 7_200 + 120, source: "auto: Logz.io alert 17, time frame 2h → 3 × 2h + 2m"),
        Case(
            definition: AlertDefinition(
                id: 18, suppressNotificationsMinutes: 60, cronExpression: "0 30 2 ? * *", timeZone: "America/New_York"),
            seconds: 3 * 47 * 3_600 + 120,
            source: "auto: Logz.io alert 18, wait 1h, schedule gap 1d23h → 3 × 1d23h + 2m"),
        Case(
            definition: AlertDefinition(id: 19, cronExpression: "0 0 12 ? * *"), minimum: 0,
            seconds: 3 * 86_400 + 120, source: "auto: Logz.io alert 19, schedule gap 1d → 3 × 1d + 2m"),
    ]

    @Test(arguments: cases)
    func staleAfter(_ example: Case) throws {
        let parameters = AutoParameters(factor: example.factor, minimum: .seconds(example.minimum))
        let now = example.definition.timeZone == nil ? Self.now : 1_772_668_800  // New York: 2026-03-05
        let period = try RenotifyPeriod(definition: example.definition, now: now)
        #expect(period.staleAfter(parameters) == .staleAfter(.seconds(example.seconds), source: example.source))
    }

    @Test func thePeriodIsTheLongestOfItsParts() throws {
        let definition = AlertDefinition(
            id: 1, searchTimeFrameMinutes: 15, suppressNotificationsMinutes: 60, cronExpression: "0 0 */2 ? * *")
        let period = try RenotifyPeriod(definition: definition, now: Self.now)
        #expect(period.timeFrame == .seconds(900))
        #expect(period.wait == .seconds(3_600))
        #expect(period.scheduleGap == .seconds(7_200))
        #expect(period.length == .seconds(7_200))
    }

    @Test func aDefinitionWithoutTimingHasNoPeriod() {
        #expect(throws: RenotifyPeriodError.noTiming(definitionID: 5)) {
            try RenotifyPeriod(definition: AlertDefinition(id: 5), now: Self.now)
        }
    }

    @Test func anUnusableScheduleHasNoPeriod() {
        let definition = AlertDefinition(id: 6, searchTimeFrameMinutes: 5, cronExpression: "0 0 0 L * ?")
        #expect {
            try RenotifyPeriod(definition: definition, now: Self.now)
        } throws: { error in
            guard case .unusableSchedule(6, .invalid) = error as? RenotifyPeriodError else { return false }
            return "\(error)".hasPrefix("Logz.io alert 6 has an unusable schedule: cron expression \"0 0 0 L * ?\"")
        }
    }

    @Test func hugeValuesDoNotOverflow() throws {
        let definition = AlertDefinition(id: 1, searchTimeFrameMinutes: .max)
        let result = try RenotifyPeriod(definition: definition, now: Self.now).staleAfter(
            AutoParameters(factor: 1e300))
        guard case .staleAfter(let span, _) = result else {
            Issue.record("expected a stale_after, got \(result)")
            return
        }
        #expect(span == .seconds(9_000_000_000_000_000_000))
    }

    @Test func theDefaultsAreThreeAndFifteenMinutes() {
        #expect(AutoParameters().factor == 3)
        #expect(AutoParameters().minimum == .seconds(900))
        #expect(AutoParameters().factorText == "3")
        #expect(AutoParameters(factor: 2.5).factorText == "2.5")
    }
}
