import Logzio
import Staleness
import Testing

/// What auto gives an alert: a `stale_after`, stale at once, or the fallback.
@Suite struct AutoResolutionTests {
    static let now: Int64 = 1_772_409_600
    static let definitions: [Int64: AlertDefinition] = [
        123: AlertDefinition(id: 123, searchTimeFrameMinutes: 15, suppressNotificationsMinutes: 60),
        200: AlertDefinition(id: 200, isEnabled: false, searchTimeFrameMinutes: 5),
        201: AlertDefinition(id: 201, isEnabled: false, cronExpression: "0 0 0 L * ?"),
        300: AlertDefinition(id: 300, searchTimeFrameMinutes: 5, cronExpression: "0 0 0 ? * 6#3"),
        301: AlertDefinition(id: 301, searchTimeFrameMinutes: 5, cronExpression: "0 0 0 ? * *", timeZone: "Nowhere"),
        302: AlertDefinition(id: 302, searchTimeFrameMinutes: 5, cronExpression: "0 0 0 31 FEB ?"),
        400: AlertDefinition(id: 400),
    ]
    /// 123 and 200 are listed now; 500 was listed by an earlier fetch only.
    static let everListed: Set<Int64> = [123, 200, 201, 300, 301, 302, 400, 500]

    static let expectations: [(Int64?, AutoResolution)] = [
        (
            123,
            .staleAfter(.seconds(10_920), source: "auto: Logz.io alert 123, time frame 15m, wait 1h → 3 × 1h + 2m")
        ),
        (200, .staleNow(reason: "Logz.io alert 200 is disabled")),
        (201, .staleNow(reason: "Logz.io alert 201 is disabled")),
        (500, .staleNow(reason: "Logz.io alert 500 no longer exists")),
        (
            600,
            .undecided(reason: "Logz.io alert 600 is not among the account's alert definitions (unknown id)")
        ),
        (nil, .undecided(reason: "no usable Logz.io alert id in alert_definition_id")),
        (
            400,
            .undecided(
                reason:
                    "Logz.io alert 400 has no searchTimeFrameMinutes, output.suppressNotificationsMinutes or schedule")
        ),
    ]

    @Test(arguments: expectations)
    func decides(id: Int64?, expected: AutoResolution) {
        let outcome = AutoResolution.decide(
            definitionID: id, idField: "alert_definition_id", definitions: Self.definitions,
            everListed: Self.everListed, parameters: AutoParameters(), now: Self.now)
        #expect(outcome == expected)
    }

    @Test(arguments: [
        (Int64(300), "Logz.io alert 300 has an unusable schedule: cron expression \"0 0 0 ? * 6#3\", field 6"),
        (301, "Logz.io alert 301 has an unusable schedule: schedule.timezone \"Nowhere\" is not a known time zone"),
        (302, "Logz.io alert 302 has an unusable schedule: cron expression \"0 0 0 31 FEB ?\" never fires"),
    ])
    func anUnusableScheduleTakesTheFallback(id: Int64, reason: String) {
        let outcome = AutoResolution.decide(
            definitionID: id, idField: "alert_definition_id", definitions: Self.definitions,
            everListed: Self.everListed, parameters: AutoParameters(), now: Self.now)
        guard case .undecided(let text) = outcome else {
            Issue.record("expected the fallback, got \(outcome)")
            return
        }
        #expect(text.hasPrefix(reason), "\(text)")
    }

    @Test func theRulesParametersApply() {
        let outcome = AutoResolution.decide(
            definitionID: 123, idField: "def", definitions: Self.definitions, everListed: [],
            parameters: AutoParameters(factor: 1, minimum: .seconds(4 * 3_600)), now: Self.now)
        #expect(
            outcome
                == .staleAfter(
                    .seconds(14_400),
                    source:
                        "auto: Logz.io alert 123, time frame 15m, wait 1h → auto_min 4h (1 × 1h + 2m is only 1h2m)"
                ))
    }
}
