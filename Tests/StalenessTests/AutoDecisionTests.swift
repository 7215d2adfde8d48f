import Alerts
import Staleness
import Testing

@Suite struct AutoDecisionTests {
    let payload = JSONObject([("host", .string("web-1")), ("alert_definition_id", .string("7"))])

    func policy(fallback: Duration? = nil) -> StalenessPolicy {
        StalenessPolicy(defaultStaleAfter: .auto, defaultAuto: AutoParameters(fallback: fallback))
    }

    @Test(
        arguments: [
            // (resolution, fallback, silence, stale, effective stale_after)
            (AutoResolution.staleAfter(.seconds(600), source: "auto: x"), nil, 599, false, 600),
            (.staleAfter(.seconds(600), source: "auto: x"), nil, 600, true, 600),
            (.staleNow(reason: "Logz.io alert 7 is disabled"), nil, 0, true, 0),
            (.undecided(reason: "unknown id"), 3600, 3599, false, 3600),
            (.undecided(reason: "unknown id"), 3600, 3600, true, 3600),
            (.undecided(reason: "unknown id"), nil, 1_000_000, false, nil),
        ] as [(AutoResolution, Int64?, Int64, Bool, Int64?)])
    func decidesFromTheResolution(
        resolution: AutoResolution, fallback: Int64?, silence: Int64, stale: Bool, effective: Int64?
    ) {
        let decision = policy(fallback: fallback.map { .seconds($0) }).decide(
            payload: payload, lastReceived: 1_000, now: 1_000 + silence, auto: { _, _, _ in resolution })
        #expect(decision.isStale == stale)
        #expect(decision.effectiveStaleAfter == effective.map { .seconds($0) })
        #expect(decision.staleAfter == .auto)
    }

    @Test func reasonsAndSourcesSayWhereTheValueCameFrom() {
        let derived = policy().decide(
            payload: payload, lastReceived: 0, now: 3_000,
            auto: { _, _, _ in
                .staleAfter(.seconds(2_820), source: "auto: Logz.io alert 7, time frame 15m → 3 × 15m + 2m")
            })
        #expect(derived.reason == "no notification for 50m (rule \"default\", stale after auto 47m)")
        #expect(derived.source == "auto: Logz.io alert 7, time frame 15m → 3 × 15m + 2m")
        let disabled = policy().decide(
            payload: payload, lastReceived: 0, now: 1,
            auto: { _, _, _ in .staleNow(reason: "Logz.io alert 7 is disabled") })
        #expect(disabled.reason == "Logz.io alert 7 is disabled (rule \"default\", stale_after auto)")
        let kept = policy().decide(payload: payload, lastReceived: 0, now: 10, auto: nil)
        #expect(kept.reason.contains("kept, as it has no fallback"))
        let fallback = policy(fallback: .seconds(7200)).decide(
            payload: payload, lastReceived: 0, now: 10, auto: { _, _, _ in .undecided(reason: "unknown id") })
        #expect(fallback.source == "fallback 2h: unknown id")
        let fixed = StalenessPolicy().decide(payload: payload, lastReceived: 0, now: 10)
        #expect(fixed.source == "rule \"default\": 1h")
        #expect(fixed.effectiveStaleAfter == .seconds(3600))
    }

    @Test func theRulesParametersReachTheResolverAndTheDefinitionFieldIsRead() throws {
        let rule = Rule(
            name: "search", match: [("host", try GlobPattern("web*"))], staleAfter: .auto,
            auto: AutoParameters(factor: 2, minimum: .seconds(60), fallback: nil))
        let policy = StalenessPolicy(defaultStaleAfter: .after(.seconds(3600)), rules: [rule], definitionField: "def")
        #expect(policy.matchFields == ["host", "def"])
        #expect(StalenessPolicy().matchFields.isEmpty, "no auto rule: no payload field is read")
        let seen = policy.decide(
            payload: payload, lastReceived: 0, now: 10,
            auto: { _, parameters, _ in
                .undecided(reason: "factor \(parameters.factor) min \(parameters.minimum.wholeSeconds)")
            })
        #expect(seen.reason.contains("factor 2.0 min 60"))
    }
}
