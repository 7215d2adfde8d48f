import Alerts
import AlertsStandIn
import Foundation
import LogzioStandIn
import TestSupport
import Testing

/// A scenario with a Logz.io stand-in and `stale_after: auto` as the default rule; evidence is off unless
/// the config turns it on (EvidenceEndToEndTests do), so these tests see `auto` alone.
struct AutoScenario {
    static let logzioToken = "logzio-e2e-api-token-93b1"
    let scenario: Scenario
    let logzio: LogzioStandIn
    let logzioServer: StandInLoopback

    init(
        config: String = "stale_after: auto\n", definitions: [JSONObject] = StandInDefinition.sampleAccount(),
        script: StandInLoopback.Script? = nil, evidence: Bool = false
    ) throws {
        scenario = try Scenario(config: evidence || config.contains("evidence:") ? config : Self.evidenceOff(config))
        logzio = LogzioStandIn(token: Self.logzioToken, definitions: definitions)
        logzioServer = try StandInLoopback(serving: logzio, script: script)
    }

    /// `config` with `logzio.evidence: off` added to its `logzio` section (or a new one).
    static func evidenceOff(_ config: String) -> String {
        config.contains("logzio:\n")
            ? config.replacingOccurrences(of: "logzio:\n", with: "logzio:\n  evidence: off\n")
            : config + "logzio:\n  evidence: off\n"
    }

    var environment: [String: String?] {
        ["LOGZIO_API_TOKEN": Self.logzioToken, "LOGZIO_API_URL": logzioServer.baseURL]
    }

    @discardableResult
    func run(_ arguments: [String], environment extra: [String: String?] = [:]) async throws -> RunResult {
        var environment = self.environment
        for (key, value) in extra { environment[key] = value }
        return try await scenario.run(arguments, environment: environment)
    }

    /// Records an alert from Logz.io definition `definition` (nil: without the field).
    func record(host: String, definition: String?, at: Int64) async throws {
        let field = definition.map { #","alert_definition_id":\#($0)"# } ?? ""
        try await scenario.record(host: host, at: at, extra: field)
    }

    func list(now: Int64? = nil) async throws -> [String: [String: Any]] {
        var arguments = ["list", "--state", "all", "--json"]
        if let now { arguments += ["--now", String(now)] }
        let result = try await run(arguments)
        #expect(result.code == 0, "list failed: \(result.stderr)")
        let parsed = try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [[String: Any]] ?? []
        var byIdentity: [String: [String: Any]] = [:]
        for element in parsed { byIdentity[element["identity"] as? String ?? ""] = element }
        return byIdentity
    }
}

@Suite(.timingSensitive) struct AutoStaleAfterEndToEndTests {
    @Test func eachAlertTakesItsDefinitionsPeriodAndListShowsTheDerivation() async throws {
        let setup = try AutoScenario()
        let now = nowSeconds()
        try await setup.record(host: "frame-only", definition: "101", at: now - 50 * 60)  // 3 × 15m + 2m = 47m
        try await setup.record(host: "long-wait", definition: "102", at: now - 2 * 3600)  // 3 × 1h + 2m = 3h2m
        try await setup.record(host: "as-number", definition: "102", at: now - 3 * 3600 - 3 * 60)

        let listed = try await setup.list()
        let frame = try #require(listed["host=frame-only check=cpu"])
        #expect(frame["stale_after"] as? Int == 47 * 60)
        #expect(frame["stale_after_source"] as? String == "auto: Logz.io alert 101, time frame 15m → 3 × 15m + 2m")
        #expect(frame["stale"] as? Bool == true)
        let wait = try #require(listed["host=long-wait check=cpu"])
        #expect(wait["stale_after"] as? Int == 3 * 3600 + 120)
        #expect(
            wait["stale_after_source"] as? String == "auto: Logz.io alert 102, time frame 15m, wait 1h → 3 × 1h + 2m")
        #expect(wait["stale"] as? Bool == false)

        let result = try await setup.run(["sweep", "--json"])
        #expect(result.code == 0, "\(result.stderr)")
        let report = try jsonObject(result.stdout)
        let actions = actionsByIdentity(report)
        #expect(actions["host=frame-only check=cpu"]?["action"] as? String == "resolved")
        #expect(actions["host=as-number check=cpu"]?["action"] as? String == "resolved")
        #expect(actions["host=long-wait check=cpu"]?["action"] as? String == "kept")
        let reason = try #require(actions["host=frame-only check=cpu"]?["reason"] as? String)
        #expect(reason.contains("stale after auto 47m"), "\(reason)")
        #expect(setup.logzio.requestCount == 2, "one fetch for list and one for the sweep")
    }

    @Test func disabledAndDeletedDefinitionsCloseAtOnceButHoldWhenTooMany() async throws {
        let setup = try AutoScenario()
        let now = nowSeconds()
        try await setup.record(host: "retired", definition: "104", at: now - 60)
        try await setup.record(host: "deleted-later", definition: "101", at: now - 60)
        for index in 0..<3 { try await setup.record(host: "fresh-\(index)", definition: "102", at: now - 60) }
        #expect(try await setup.run(["sweep"]).code == 0)
        #expect(setup.scenario.standIn.received.map { $0.alert["host"]?.stringValue } == ["retired"])
        let reason = setup.scenario.standIn.received.first?.alert["resolve_reason"]?.stringValue ?? ""
        #expect(reason.contains("Logz.io alert 104 is disabled"), "\(reason)")

        setup.logzio.removeDefinition(id: 101)
        #expect(try await setup.run(["sweep"]).code == 0)
        let hosts = setup.scenario.standIn.received.map { $0.alert["host"]?.stringValue }
        #expect(hosts == ["retired", "deleted-later"])
        let deleted = setup.scenario.standIn.received.last?.alert["resolve_reason"]?.stringValue ?? ""
        #expect(deleted.contains("Logz.io alert 101 no longer exists"), "\(deleted)")

        // Twenty-five alerts whose definition was disabled at once: the blast-radius limit holds.
        let many = try AutoScenario(
            definitions: [StandInDefinition.disabled(id: 900), StandInDefinition.timeFrameOnly(id: 901, minutes: 15)])
        for index in 0..<25 { try await many.record(host: "gone-\(index)", definition: "900", at: now - 60) }
        for index in 0..<5 { try await many.record(host: "live-\(index)", definition: "901", at: now - 60) }
        let held = try await many.run(["sweep", "--json"])
        #expect(held.code == 75)
        #expect(try jsonObject(held.stdout)["held"] as? Int == 25)
        #expect(many.scenario.standIn.requestCount == 0)
    }

    /// The wiring of `logzio.cache_max_age` through the binary. The boundary (used at exactly the age, not a
    /// second past it) is `DefinitionCacheAgeTests`, on an injected clock; here each margin only grows with
    /// load: an hour's age serves the cache, a 1 s age after a longer wait does not, and `--now` moves neither.
    @Test func theCacheIsUsedWhileFreshWhenLogzioIsDownAndNeverPastItsAge() async throws {
        let down = FailureSwitch()
        let setup = try AutoScenario(
            config: "stale_after: auto\nlogzio:\n  cache_max_age: 1h\n",
            // A refusal that is not retried keeps the test fast; 429 and 5xx are retried for 30 s.
            script: { _, _ in down.isOn ? .json(400, #"{"message":"unavailable"}"#) : nil })
        let now = nowSeconds()
        try await setup.record(host: "frame-only", definition: "101", at: now - 30 * 60)
        let first = try await setup.run(["sweep"])
        #expect(first.code == 0, "fetches and caches, nothing stale yet: \(first.stderr)")
        down.isOn = true

        // Within the cache's age, Logz.io down: the cached definition decides (47m), one warning. A --now a
        // day ahead does not age the cache: its age is the wall clock's.
        let cached = try await setup.run(["sweep", "--dry-run", "--json", "--now", String(now + 20 * 60)])
        #expect(cached.code == 0, "a failed fetch never fails the sweep: \(cached.stderr)")
        #expect(
            actionsByIdentity(try jsonObject(cached.stdout))["host=frame-only check=cpu"]?["action"] as? String
                == "would_resolve")
        #expect(cached.stderr.contains("HTTP 400"), "\(cached.stderr)")
        #expect(cached.stderr.split(separator: "\n").count == 1, "one warning: \(cached.stderr)")
        let ahead = try await setup.run(["list", "--json", "--now", String(now + 86_400)])
        #expect(ahead.code == 0, "\(ahead.stderr)")
        #expect(
            ahead.stdout.contains("auto: Logz.io alert 101"), "the cache serves whatever --now says: \(ahead.stdout)")

        // Past cache_max_age (1 s, after a wait of more): the cache is not used; without a fallback the alert
        // is kept.
        let short = setup.scenario.directory + "/short-cache.yaml"
        try String(contentsOfFile: setup.scenario.configPath, encoding: .utf8)
            .replacingOccurrences(of: "cache_max_age: 1h", with: "cache_max_age: 1s")
            .write(toFile: short, atomically: true, encoding: .utf8)
        try await Task.sleep(for: .seconds(2.1))
        let stale = try await setup.run(
            ["sweep", "--dry-run", "--json", "--now", String(now + 20 * 60)],
            environment: ["LOGZIO_RESOLVER_CONFIG": short])
        #expect(stale.code == 0, "\(stale.stderr)")
        let kept = actionsByIdentity(try jsonObject(stale.stdout))["host=frame-only check=cpu"]
        #expect(kept?["action"] as? String == "kept")
        #expect((kept?["reason"] as? String)?.contains("no fallback") == true)

        // A sending sweep counts the failure in the metrics.
        let metrics = setup.scenario.directory + "/metrics.prom"
        let sending = try await setup.run(["sweep", "--metrics-file", metrics])
        #expect(sending.code == 0, "\(sending.stderr)")
        let text = try String(contentsOfFile: metrics, encoding: .utf8)
        #expect(text.contains("logzio_resolver_definition_fetch_failures_total 1"), "\(text)")
    }

    /// README "Choosing stale_after": definitions are fetched only when an open alert might need them. With
    /// an auto rule that matches no open alert (one it matches is resolved), or no auto rule at all, `list`
    /// and `sweep` ask Logz.io nothing, though every alert names a definition and a token is set.
    @Test(arguments: [
        "stale_after: 1h\nrules:\n  - name: nobody\n    match: { team: \"nobody\" }\n    stale_after: auto\n",
        "stale_after: 1h\nrules:\n  - name: payments\n    match: { team: \"payments\" }\n    stale_after: 3h\n",
    ])
    func noLogzioRequestWhenNoOpenAlertNeedsAuto(config: String) async throws {
        let setup = try AutoScenario(config: config)
        let now = nowSeconds()
        try await setup.record(host: "stale-1", definition: "101", at: now - 3 * 3600)
        try await setup.record(host: "fresh-1", definition: "102", at: now - 60)
        // An alert the auto rule would match, resolved: it needs nothing.
        try await setup.scenario.record(
            host: "nobodys", at: now - 3 * 3600, extra: #","team":"nobody","alert_definition_id":101"#)
        try await setup.scenario.record(
            host: "nobodys", status: "ok", at: now - 2 * 3600, extra: #","team":"nobody","alert_definition_id":101"#)
        for arguments in [
            ["list"], ["list", "--json", "--state", "all"], ["sweep", "--dry-run", "--json"], ["sweep"],
        ] {
            let result = try await setup.run(arguments)
            #expect(result.code == 0, "\(arguments): \(result.stderr)")
            #expect(result.stderr.isEmpty, "\(arguments): no warning about Logz.io: \(result.stderr)")
        }
        #expect(setup.scenario.standIn.received.map { $0.alert["host"]?.stringValue } == ["stale-1"])
        #expect(setup.logzio.requestCount == 0, "no alert needed auto, yet Logz.io was asked")
    }

    @Test func alertsWithoutADefinitionIdTakeTheFallbackOrAreKept() async throws {
        let withFallback = try AutoScenario(config: "stale_after: auto\nfallback: 2h\n")
        let now = nowSeconds()
        try await withFallback.record(host: "no-id", definition: nil, at: now - 3 * 3600)
        try await withFallback.record(host: "bad-id", definition: "\"12.5\"", at: now - 60)
        try await withFallback.record(host: "unknown-id", definition: "\"777\"", at: now - 3 * 3600)
        let listed = try await withFallback.list()
        #expect(listed["host=no-id check=cpu"]?["stale_after"] as? Int == 7200)
        #expect((listed["host=no-id check=cpu"]?["stale_after_source"] as? String)?.hasPrefix("fallback 2h") == true)
        let check = try await withFallback.run(["check"])
        #expect(check.code == 0, "warnings do not change check's exit code: \(check.stderr)")
        #expect(check.stdout.contains("warning: host=no-id check=cpu has no usable Logz.io alert id"))
        #expect(check.stdout.contains("warning: host=bad-id check=cpu has no usable Logz.io alert id"))
        #expect(check.stdout.contains("unknown id"))
        let swept = try await withFallback.run(["sweep", "--json"])
        #expect(swept.code == 0, "\(swept.stderr)")
        let actions = actionsByIdentity(try jsonObject(swept.stdout))
        #expect(actions["host=no-id check=cpu"]?["action"] as? String == "resolved")
        #expect(actions["host=unknown-id check=cpu"]?["action"] as? String == "resolved")
        #expect(actions["host=bad-id check=cpu"]?["action"] as? String == "kept")

        let without = try AutoScenario()
        try await without.record(host: "no-id", definition: nil, at: now - 30 * 3600)
        let kept = try await without.run(["sweep", "--json"])
        #expect(kept.code == 0)
        #expect(actionsByIdentity(try jsonObject(kept.stdout))["host=no-id check=cpu"]?["action"] as? String == "kept")
        #expect(without.scenario.standIn.requestCount == 0)
    }

    @Test func checkRefusesABadOrMissingTokenAndTheTokenNeverLeaks() async throws {
        let setup = try AutoScenario()
        let now = nowSeconds()
        try await setup.record(host: "frame-only", definition: "101", at: now - 60)
        let good = try await setup.run(["check"])
        #expect(good.code == 0, "\(good.stdout)\(good.stderr)")
        #expect(good.stdout.contains("host=frame-only check=cpu: stale_after 47m, auto: Logz.io alert 101"))
        let wrong = try await setup.run(["check"], environment: ["LOGZIO_API_TOKEN": "not-the-token-at-all"])
        #expect(wrong.code == 78)
        #expect(wrong.stderr.contains("401"), "\(wrong.stderr)")
        #expect(wrong.stderr.split(separator: "\n").count == 1, "one failure, one line: \(wrong.stderr)")
        let missing = try await setup.run(["check"], environment: ["LOGZIO_API_TOKEN": nil])
        #expect(missing.code == 78)
        #expect(missing.stderr.contains("LOGZIO_API_TOKEN"))

        // list and sweep with a refused token behave as if Logz.io were down, and say so once.
        let refused = try await setup.run(
            ["sweep", "--verbose", "--log-format", "json"], environment: ["LOGZIO_API_TOKEN": "not-the-token-at-all"])
        #expect(refused.code == 0)
        for run in [good, wrong, missing, refused] {
            #expect(!run.stdout.contains(AutoScenario.logzioToken) && !run.stderr.contains(AutoScenario.logzioToken))
        }
        let echoed = try await setup.run(["list", "--json", "--verbose"])
        #expect(echoed.code == 0, "\(echoed.stderr)")
        #expect(!echoed.stdout.contains(AutoScenario.logzioToken) && !echoed.stderr.contains(AutoScenario.logzioToken))
        for suffix in ["", "-wal"] {
            if let bytes = FileManager.default.contents(atPath: setup.scenario.ledger + suffix) {
                #expect(!String(decoding: bytes, as: UTF8.self).contains(AutoScenario.logzioToken))
            }
        }
    }
}

@Suite(.timingSensitive) struct AutoBacktestEndToEndTests {
    /// On both backends: `list` caches the definitions in the ledger, and `backtest` replays the ledger's
    /// history with them (on PostgreSQL both once did nothing: list never cached, backtest replayed no event).
    @Test(arguments: [false, true])
    func backtestReplaysAutoWithTheCachedDefinitions(postgres: Bool) async throws {
        let setup = try AutoScenario()
        if postgres {
            guard let database = try PostgresTestServer.freshDatabase() else { return }
            setup.scenario.ledger = database
        }
        let base = nowSeconds() - 10 * 3600
        // Definition 101 gives 47m: the 30m gap resolves nothing, the 60m gap resolves prematurely (it
        // re-fired within the refire window), and the last silence resolves for good.
        for offset: Int64 in [0, 30 * 60, 90 * 60] {
            try await setup.record(host: "bt", definition: "101", at: base + offset)
        }
        func defaultRule() async throws -> [String: Any]? {
            let result = try await setup.run(["backtest", "--json", "--since", "1d"])
            #expect(result.code == 0, "\(result.stderr)")
            let rules = try jsonObject(result.stdout)["rules"] as? [[String: Any]] ?? []
            return rules.first { $0["rule"] as? String == "default" }
        }
        // No definitions cached yet: auto cannot decide, there is no fallback, so nothing resolves.
        let before = try await defaultRule()
        #expect(before?["resolves"] as? Int == 0)
        #expect(before?["open_at_end"] as? Int == 1)
        #expect(setup.logzio.requestCount == 0, "backtest fetches nothing")

        #expect(try await setup.run(["list"]).code == 0, "list caches the definitions")
        let after = try await defaultRule()
        #expect(after?["resolves"] as? Int == 2)
        #expect(after?["premature"] as? Int == 1)
        #expect(after?["open_at_end"] as? Int == 0)
    }
}

/// A flag the stand-in's handler reads across threads.
final class FailureSwitch: @unchecked Sendable {
    private let lock = NSLock()
    private var on = false

    var isOn: Bool {
        get {
            lock.lock()
            defer { lock.unlock() }
            return on
        }
        set {
            lock.lock()
            on = newValue
            lock.unlock()
        }
    }
}
