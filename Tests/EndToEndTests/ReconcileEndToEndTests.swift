import Alerts
import AlertsStandIn
import Foundation
import TestSupport
import Testing

/// A scenario whose stand-in also serves BigPanda's Incidents API, with reconcile configured.
struct ReconcileScenario {
    static let apiKey = "BPU-e2e-user-api-key-4d2e91"
    let scenario: Scenario

    init(extraConfig: String = "", script: StandInLoopback.Script? = nil) throws {
        scenario = try Scenario(apiKey: Self.apiKey, script: script)
        // These tests seed BigPanda's side themselves, alert by alert.
        scenario.forwardsToBigPanda = false
        try scenario.writeConfig(Self.config(extraConfig))
    }

    /// The config these tests run with, unpaced, with `extra` after the `bigpanda:` keys.
    static func config(_ extra: String) -> String {
        """
        bigpanda:
          requests_per_second: 0
          deadline: 20s
          api_requests_per_second: 0
          environment_id: env-1
          source_system: "logzio*"
        \(extra)
        """
    }

    var standIn: AlertsStandIn { scenario.standIn }

    /// The environment, with the Incidents API and a fast verify loop for tests.
    var environment: [String: String?] {
        [
            "BIGPANDA_API_KEY": Self.apiKey, "BIGPANDA_API_URL": scenario.apiURL,
            "LOGZIO_RESOLVER_TEST_VERIFY_INTERVAL": "0.5",
        ]
    }

    @discardableResult
    func run(_ arguments: [String], environment extra: [String: String?] = [:]) async throws -> RunResult {
        var environment = self.environment
        for (key, value) in extra { environment[key] = value }
        return try await scenario.run(arguments, environment: environment)
    }

    /// A BigPanda alert for `host`/`check` under the scenario's app key, as the integration made it.
    static func remote(
        _ id: String, host: String, check: String = "cpu", lastEventAt: Int64, active: Bool = true,
        source: String = "logzio.\(Scenario.appKey)", appKey: String? = Scenario.appKey
    ) -> StandInAlert {
        var alert = StandInAlert(
            id: id, sourceSystem: source,
            tags: [("host", .string(host)), ("check", .string(check)), ("severity", .string("HIGH"))],
            primaryProperty: "host", secondaryProperty: "check", lastEventAt: lastEventAt, active: active)
        alert.appKey = appKey
        return alert
    }

    /// The reconcile report, parsed.
    func reconcile(_ arguments: [String]) async throws -> (RunResult, [String: Any]) {
        let result = try await run(["reconcile", "--json"] + arguments)
        return (result, (try? jsonObject(result.stdout)) ?? [:])
    }
}

/// The `actions` of a report, by identity.
func actionsByIdentity(_ report: [String: Any]) -> [String: [String: Any]] {
    var byIdentity: [String: [String: Any]] = [:]
    for action in report["actions"] as? [[String: Any]] ?? [] {
        if let identity = action["identity"] as? String { byIdentity[identity] = action }
    }
    return byIdentity
}

@Suite(.timingSensitive) struct ReconcileEndToEndTests {
    @Test func classesEachAlertAndActsOnlyWithYes() async throws {
        let setup = try ReconcileScenario()
        let now = nowSeconds()
        try await setup.scenario.record(host: "tracked-1", at: now - 600)
        try await setup.scenario.record(host: "elsewhere-1", at: now - 600)
        try await setup.scenario.record(host: "pending-1", at: now - 7200)
        // pending-1 is closed by our ok just now, which BigPanda accepts and silently drops.
        setup.standIn.dropOKs { $0["host"]?.stringValue == "pending-1" }
        setup.standIn.seed([
            ReconcileScenario.remote("101", host: "tracked-1", lastEventAt: now - 600),
            ReconcileScenario.remote("102", host: "elsewhere-1", lastEventAt: now - 600, active: false),
            ReconcileScenario.remote("103", host: "pending-1", lastEventAt: now - 7200),
            ReconcileScenario.remote("104", host: "untracked-1", lastEventAt: now - 3 * 3600),
            ReconcileScenario.remote("105", host: "elsewhere-source", lastEventAt: now, source: "datadog.prod"),
        ])
        let sweep = try await setup.run(["sweep"])
        #expect(sweep.code == 0, "\(sweep.stderr)")

        let (preview, planned) = try await setup.reconcile(["--dry-run", "--adopt"])
        #expect(preview.code == 0, "\(preview.stderr)")
        #expect(planned["bigpanda_active"] as? Int == 3, "the alert from another source system is out of scope")
        for (key, count) in [("tracked", 1), ("resolved_elsewhere", 1), ("untracked", 1), ("pending", 1), ("drift", 0)]
        {
            #expect(planned[key] as? Int == count, "\(key)")
        }
        let plan = actionsByIdentity(planned)
        #expect(plan["host=tracked-1 check=cpu"]?["class"] as? String == "tracked")
        #expect(plan["host=tracked-1 check=cpu"]?["bigpanda_alert_id"] as? String == "101")
        #expect(plan["host=elsewhere-1 check=cpu"]?["action"] as? String == "would_mark_resolved")
        #expect(plan["host=untracked-1 check=cpu"]?["action"] as? String == "would_adopt")
        #expect(plan["host=untracked-1 check=cpu"]?["incident_id"] as? String == "inc-104")
        #expect(plan["host=pending-1 check=cpu"]?["class"] as? String == "pending")
        #expect(plan["host=elsewhere-source check=cpu"] == nil)
        // A dry run changes nothing.
        #expect(try await setup.scenario.list("open").count == 2)

        let metrics = setup.scenario.directory + "/reconcile.prom"
        let (done, report) = try await setup.reconcile(["--yes", "--adopt", "--metrics-file", metrics])
        #expect(done.code == 0, "\(done.stderr)")
        let text = try String(contentsOfFile: metrics, encoding: .utf8)
        #expect(text.contains("logzio_resolver_bigpanda_active_alerts 3\n"), "\(text)")
        #expect(text.contains("logzio_resolver_untracked_alerts 1\n"))
        #expect(text.contains("# TYPE logzio_resolver_drift_total counter\nlogzio_resolver_drift_total 0\n"))
        #expect(report["adopted"] as? Int == 1)
        let acted = actionsByIdentity(report)
        #expect(acted["host=elsewhere-1 check=cpu"]?["action"] as? String == "marked_resolved")
        #expect(acted["host=untracked-1 check=cpu"]?["action"] as? String == "adopted")
        #expect(acted["host=pending-1 check=cpu"]?["action"] as? String == "none")
        let open = try await setup.scenario.list("open")
        #expect(
            Set(open.compactMap { $0["identity"] as? String }) == [
                "host=tracked-1 check=cpu", "host=untracked-1 check=cpu",
            ])
        let adopted = try #require(open.first { $0["identity"] as? String == "host=untracked-1 check=cpu" })
        #expect(adopted["last_received"] as? String == EpochTime.iso8601(now - 3 * 3600), "received at last_event_at")
        let payload = try #require(adopted["alert"] as? [String: Any])
        #expect(payload["bigpanda_alert_id"] as? String == "104")
        #expect(payload["bigpanda_source_system"] as? String == "logzio.\(Scenario.appKey)")
        #expect(payload["severity"] as? String == "HIGH")
        // Reconcile applies no staleness rule and sends nothing to the Alerts API.
        #expect(setup.standIn.received.count == 1, "only the sweep's ok")
        #expect(setup.standIn.resolveRequests.isEmpty)

        // Without --yes or --dry-run it refuses.
        #expect(try await setup.run(["reconcile"]).code == 64)
    }

    @Test func adoptedAlertsAreClosedByIdOnlyWhenStale() async throws {
        let setup = try ReconcileScenario()
        setup.standIn.setResolveDelay(.milliseconds(200))
        let now = nowSeconds()
        setup.standIn.seed([
            ReconcileScenario.remote("201", host: "old-1", lastEventAt: now - 2 * 3600, appKey: nil),
            ReconcileScenario.remote("202", host: "new-1", lastEventAt: now - 10 * 60, appKey: nil),
        ])
        let adopt = try await setup.run(["reconcile", "--yes", "--adopt"])
        #expect(adopt.code == 0, "\(adopt.stderr)")
        let result = try await setup.run(["sweep", "--json"])
        #expect(result.code == 0, "\(result.stderr)")
        let report = try jsonObject(result.stdout)
        #expect(report["resolved"] as? Int == 1)
        let actions = actionsByIdentity(report)
        #expect(actions["host=old-1 check=cpu"]?["action"] as? String == "resolved")
        #expect(actions["host=new-1 check=cpu"]?["action"] as? String == "kept")
        #expect(setup.standIn.resolveRequests == [["201"]], "closed by id, never by an ok")
        #expect(setup.standIn.received.isEmpty)
        try await Task.sleep(for: .seconds(0.5))
        #expect(Set(setup.standIn.activeAlerts.map(\.id)) == ["202"])
        let resolved = try await setup.scenario.list("resolved")
        #expect(resolved.map { $0["identity"] as? String } == ["host=old-1 check=cpu"])

        // Without the API key the sweep cannot close an adopted alert: it fails, naming what is missing.
        let later = try await setup.run(
            ["sweep", "--now", String(now + 3600), "--dry-run", "--json"])
        #expect(later.code == 0)
        let missing = try await setup.run(
            ["sweep", "--all", "--yes"], environment: ["BIGPANDA_API_KEY": nil])
        #expect(missing.code == 1)
        #expect(missing.stderr.contains("BIGPANDA_API_KEY"), "\(missing.stderr)")
    }

    /// The wiring of `bigpanda.close_grace` from the config file to reconcile's classes. The boundary itself is
    /// `ReconcilerTests.driftIsPendingWithinTheGraceAndClosedByIDFromItsEnd`, on an injected clock; here each
    /// margin only grows with load: pending under an hour's grace, drift after a wait past a 1 s one.
    @Test func closeGraceFromTheConfigDecidesPendingOrDrift() async throws {
        let setup = try ReconcileScenario(extraConfig: "  close_grace: 1h")
        let now = nowSeconds()
        try await setup.scenario.record(host: "drift-1", at: now - 7200)
        setup.standIn.seed([ReconcileScenario.remote("301", host: "drift-1", lastEventAt: now - 7200)])
        setup.standIn.dropOKs { $0["host"]?.stringValue == "drift-1" }
        let swept = try await setup.run(["sweep"])
        #expect(swept.code == 0, "\(swept.stderr)")
        #expect(setup.standIn.received.count == 1, "the ok was accepted")
        #expect(setup.standIn.activeAlerts.map(\.id) == ["301"], "and dropped")

        let (early, within) = try await setup.reconcile(["--yes"])
        #expect(early.code == 0, "\(early.stderr)")
        #expect(within["pending"] as? Int == 1)
        #expect(within["drift"] as? Int == 0)
        #expect(setup.standIn.resolveRequests.isEmpty, "pending is left alone")

        let grace = setup.scenario.directory + "/grace.yaml"
        try String(contentsOfFile: setup.scenario.configPath, encoding: .utf8)
            .replacingOccurrences(of: "close_grace: 1h", with: "close_grace: 1s")
            .write(toFile: grace, atomically: true, encoding: .utf8)
        try await Task.sleep(for: .seconds(1.5))
        let (late, after) = try await setup.reconcile(["--yes", "--config", grace])
        #expect(late.code == 0, "\(late.stderr)")
        #expect(after["drift"] as? Int == 1)
        #expect(after["closed"] as? Int == 1)
        #expect(actionsByIdentity(after)["host=drift-1 check=cpu"]?["action"] as? String == "closed_by_id")
        #expect(setup.standIn.resolveRequests == [["301"]])
    }

    @Test func verifyClosesEverythingAndWaitsOutAsynchronousResolution() async throws {
        let setup = try ReconcileScenario()
        setup.standIn.setResolveDelay(.milliseconds(800))
        let now = nowSeconds()
        try await setup.scenario.record(host: "ledger-1", at: now - 60)
        // The relay forwarded it, so BigPanda knows it under its app key.
        setup.standIn.seed([
            ReconcileScenario.remote("401", host: "ledger-1", lastEventAt: now - 60),
            ReconcileScenario.remote("402", host: "before-install-1", lastEventAt: now - 86_400, appKey: nil),
            ReconcileScenario.remote("403", host: "before-install-2", lastEventAt: now - 300, appKey: nil),
        ])
        let preview = try await setup.run(["sweep", "--all", "--verify", "--dry-run"])
        #expect(preview.code == 0, "\(preview.stderr)")
        #expect(preview.stdout.contains("before-install-1"), "the plan shows untracked alerts")
        #expect(setup.standIn.received.isEmpty && setup.standIn.resolveRequests.isEmpty)

        let result = try await setup.run(["sweep", "--all", "--yes", "--verify", "--json"])
        #expect(result.code == 0, "\(result.stderr)")
        let report = try jsonObject(result.stdout)
        #expect(report["verified"] as? Bool == true)
        #expect((report["still_active"] as? [Any])?.isEmpty == true)
        #expect(setup.standIn.activeAlerts.isEmpty)
        #expect(
            setup.standIn.received.map { $0.alert["host"]?.stringValue } == ["ledger-1"],
            "an ok where the app key is known")
        #expect(Set(setup.standIn.resolveRequests.flatMap { $0 }) == ["402", "403"], "adopted alerts by id")
        #expect(try await setup.scenario.list("open").isEmpty)
    }

    @Test func verifyFailsNamingTheAlertBigPandaKeepsOpen() async throws {
        let setup = try ReconcileScenario()
        setup.standIn.setResolveDelay(.milliseconds(100))
        setup.standIn.keepOpen(ids: ["502"])
        let now = nowSeconds()
        setup.standIn.seed([
            ReconcileScenario.remote("501", host: "goes-1", lastEventAt: now - 300, appKey: nil),
            ReconcileScenario.remote("502", host: "stuck-1", lastEventAt: now - 300, appKey: nil),
        ])
        let result = try await setup.run(["sweep", "--all", "--yes", "--verify", "--verify-timeout", "2s", "--json"])
        #expect(result.code == 1)
        let report = try jsonObject(result.stdout)
        #expect(report["verified"] as? Bool == false)
        let still = try #require(report["still_active"] as? [[String: Any]])
        #expect(still.count == 1)
        #expect(still.first?["bigpanda_alert_id"] as? String == "502")
        #expect(still.first?["incident_id"] as? String == "inc-502")
        #expect(
            result.stderr.contains("still active in BigPanda: host=stuck-1 check=cpu (alert 502, incident inc-502)"))
        // The straggler was closed by id once more during verification, not again and again.
        #expect(setup.standIn.resolveRequests.filter { $0.contains("502") }.count == 2)
    }

    @Test func oneThousandUntrackedAlertsEndWithZeroOpenInOneCommand() async throws {
        let setup = try ReconcileScenario()
        setup.standIn.setResolveDelay(.milliseconds(300))
        let now = nowSeconds()
        setup.standIn.seed(
            (0..<1000).map {
                ReconcileScenario.remote(String(10_000 + $0), host: "host-\($0)", lastEventAt: now - 3600, appKey: nil)
            })
        let result = try await setup.run(["sweep", "--all", "--yes", "--verify", "--json"])
        #expect(result.code == 0, "\(result.stderr)")
        let report = try jsonObject(result.stdout)
        #expect(report["verified"] as? Bool == true)
        #expect(setup.standIn.activeAlerts.isEmpty)
        let resolveRequests = setup.standIn.resolveRequests
        #expect(resolveRequests.count == 2 && resolveRequests.allSatisfy { $0.count == 500 }, "500 ids a request")
        #expect(setup.standIn.rejections.isEmpty)
    }

    @Test func pagesAreAllReadAndATruncatedSearchProvesNothingAbsent() async throws {
        let setup = try ReconcileScenario()
        let now = nowSeconds()
        try await setup.scenario.record(host: "absent-1", at: now - 600)
        setup.standIn.seed(
            (0..<25).map { ReconcileScenario.remote(String(600 + $0), host: "page-\($0)", lastEventAt: now) })
        let (complete, full) = try await setup.reconcile(["--dry-run"])
        #expect(complete.code == 0, "\(complete.stderr)")
        #expect(full["untracked"] as? Int == 25, "three pages of 10")
        #expect(full["truncated"] as? Bool == false)
        #expect(full["resolved_elsewhere"] as? Int == 1, "absent from a complete search")

        setup.standIn.setMaxSearchResults(10)
        let (cut, truncated) = try await setup.reconcile(["--yes"])
        #expect(cut.code == 1)
        #expect(truncated["truncated"] as? Bool == true)
        #expect(truncated["resolved_elsewhere"] as? Int == 0, "absence from a truncated search proves nothing")
        #expect(cut.stderr.contains("truncated"))
        #expect(try await setup.scenario.list("open").count == 1)
    }

    @Test func incidentsAPIFaultsAreRetriedAndRefusalsAreConfiguration() async throws {
        let failures = FailureCount()
        let setup = try ReconcileScenario { _, request in
            guard request.path.contains("/incidents") else { return nil }
            switch failures.next() {
            case 1: return .json(500, #"{"error":"internal"}"#)
            case 2: return .respond(status: 429, headers: [.init("Retry-After", "1")], body: Array("{}".utf8))
            default: return nil
            }
        }
        setup.standIn.seed([ReconcileScenario.remote("701", host: "retry-1", lastEventAt: nowSeconds())])
        let (retried, report) = try await setup.reconcile(["--dry-run"])
        #expect(retried.code == 0, "\(retried.stderr)")
        #expect(report["untracked"] as? Int == 1)
        #expect(failures.value >= 3)

        // The org token is not a user API key: BigPanda answers 401, which is configuration.
        let refused = try await setup.run(
            ["reconcile", "--dry-run", "--verbose", "--log-format", "json"],
            environment: ["BIGPANDA_API_KEY": Scenario.token])
        #expect(refused.code == 78)
        #expect(refused.stderr.contains("HTTP 401"))
        #expect(refused.stderr.contains("BIGPANDA_API_KEY"))
        #expect(!refused.stderr.contains(Scenario.token) && !refused.stdout.contains(Scenario.token))
    }

    @Test func missingSettingsAreNamedAndTheKeyNeverLeaks() async throws {
        let setup = try ReconcileScenario()
        let noKey = try await setup.run(["reconcile", "--dry-run"], environment: ["BIGPANDA_API_KEY": nil])
        #expect(noKey.code == 78)
        #expect(noKey.stderr.contains("BIGPANDA_API_KEY"))
        try setup.scenario.writeConfig("bigpanda:\n  requests_per_second: 0\n")
        let nothing = try await setup.run(["sweep", "--all", "--yes", "--verify"])
        #expect(nothing.code == 78)
        #expect(nothing.stderr.contains("bigpanda.environment_id") && nothing.stderr.contains("bigpanda.source_system"))
        #expect(try await setup.run(["sweep", "--all", "--yes", "--verify", "--app-key", "k"]).code == 64)
        #expect(try await setup.run(["sweep", "--verify", "--yes"]).code == 64)

        // A failing search, at the most verbose log level, with the key in play: it appears nowhere.
        let failing = try ReconcileScenario { _, request in
            request.path.hasPrefix("/resources/") ? .json(500, #"{"error":"boom"}"#) : nil
        }
        failing.standIn.seed([ReconcileScenario.remote("801", host: "x-1", lastEventAt: nowSeconds())])
        try failing.scenario.writeConfig(
            "bigpanda:\n  requests_per_second: 0\n  deadline: 2s\n  environment_id: env-1\n  source_system: \"logzio*\"\n  api_requests_per_second: 0\n"
        )
        let result = try await failing.run(["reconcile", "--yes", "--adopt", "--verbose", "--log-format", "json"])
        #expect(result.code == 1)
        #expect(result.stderr.contains("HTTP 500"))
        for text in [result.stdout, result.stderr] { #expect(!text.contains(ReconcileScenario.apiKey)) }
        for suffix in ["", "-wal"] {
            if let bytes = FileManager.default.contents(atPath: failing.scenario.ledger + suffix) {
                #expect(!String(decoding: bytes, as: UTF8.self).contains(ReconcileScenario.apiKey))
            }
        }
    }

    /// README "Safety": the drift `reconcile --yes` would close is held by the blast-radius limits, counted
    /// against BigPanda's active alerts: exit 75, and a held run changes nothing at all (no close by id, no
    /// adoption, no alert marked resolved elsewhere); `--force` lifts it.
    @Test func largeDriftHoldsReconcileAndChangesNothingUntilForced() async throws {
        let setup = try ReconcileScenario(extraConfig: "  close_grace: 1s\nmax_resolve_fraction: 1\n")
        let now = nowSeconds()
        for index in 0..<30 { try await setup.scenario.record(host: "drift-\(index)", at: now - 7200) }
        try await setup.scenario.record(host: "elsewhere-1", at: now - 600)
        setup.standIn.seed(
            (0..<30).map { ReconcileScenario.remote(String(900 + $0), host: "drift-\($0)", lastEventAt: now - 7200) }
                + [
                    ReconcileScenario.remote("950", host: "elsewhere-1", lastEventAt: now - 600, active: false),
                    ReconcileScenario.remote("951", host: "untracked-1", lastEventAt: now - 600, appKey: nil),
                ])
        // BigPanda accepts every ok of the sweep and drops it: thirty alerts drift.
        setup.standIn.dropOKs { _ in true }
        let swept = try await setup.run(["sweep"])
        #expect(swept.code == 0, "\(swept.stderr)")
        #expect(setup.standIn.received.count == 30)
        #expect(setup.standIn.activeAlerts.count == 31)
        // Past the 1 s close_grace (a longer wait only makes the drift older).
        try await Task.sleep(for: .seconds(1.5))
        // The default blast radius again (the sweep above ran with max_resolve_fraction: 1).
        try setup.scenario.writeConfig(ReconcileScenario.config("  close_grace: 1s"))
        let before = try await setup.scenario.list()

        let (held, report) = try await setup.reconcile(["--yes", "--adopt"])
        #expect(held.code == 75, "\(held.stderr)")
        #expect(held.stderr.contains("held, nothing was changed"), "\(held.stderr)")
        #expect(held.stderr.contains("30 of 31 active alerts drifted"), "\(held.stderr)")
        #expect(report["drift"] as? Int == 30)
        #expect(report["closed"] as? Int == 0)
        #expect(report["adopted"] as? Int == 0)
        let actions = actionsByIdentity(report)
        #expect(actions["host=drift-0 check=cpu"]?["action"] as? String == "held")
        #expect(setup.standIn.resolveRequests.isEmpty, "nothing closed by id")
        let after = try await setup.scenario.list()
        #expect(after.count == before.count, "nothing adopted")
        #expect(
            after.map { "\($0["identity"] ?? "") \($0["state"] ?? "")" }.sorted()
                == before.map { "\($0["identity"] ?? "") \($0["state"] ?? "")" }.sorted(),
            "no alert changed state (elsewhere-1 is still open)")
        #expect(try await setup.reconcile(["--dry-run"]).0.code == 75, "a dry run that would hold says so too")

        let (forced, done) = try await setup.reconcile(["--yes", "--adopt", "--force"])
        #expect(forced.code == 0, "\(forced.stderr)")
        #expect(done["closed"] as? Int == 30)
        #expect(done["adopted"] as? Int == 1)
        let driftIDs: Set<String> = Set((900..<930).map(String.init))
        #expect(Set(setup.standIn.resolveRequests.flatMap { $0 }) == driftIDs)
        let states = try await setup.scenario.list()
        #expect(
            states.first { $0["identity"] as? String == "host=elsewhere-1 check=cpu" }?["state"] as? String
                == "resolved")
    }

    /// Adopted alerts are closed by the sweep, under the sweep's own blast-radius limits.
    @Test func largeAdoptionsAreHeldByTheSweepsBlastRadius() async throws {
        let setup = try ReconcileScenario()
        let now = nowSeconds()
        setup.standIn.seed(
            (0..<30).map {
                ReconcileScenario.remote(String(900 + $0), host: "many-\($0)", lastEventAt: now - 7200, appKey: nil)
            })
        let adopted = try await setup.run(["reconcile", "--yes", "--adopt"])
        #expect(adopted.code == 0, "\(adopted.stderr)")
        // Thirty adopted alerts, all stale: the sweep's own limits hold it.
        let held = try await setup.run(["sweep", "--json"])
        #expect(held.code == 75)
        #expect(try jsonObject(held.stdout)["held"] as? Int == 30)
        #expect(setup.standIn.resolveRequests.isEmpty)
        let forced = try await setup.run(["sweep", "--force"])
        #expect(forced.code == 0, "\(forced.stderr)")
        #expect(setup.standIn.resolveRequests.flatMap { $0 }.count == 30)
    }

    /// A truncated search cannot prove zero: `sweep --all --verify` closes what it saw, then exits 1 and says
    /// why, though every alert it could see is closed.
    @Test func verifyAfterATruncatedSearchExits1AndSaysSo() async throws {
        let setup = try ReconcileScenario()
        setup.standIn.setResolveDelay(.milliseconds(100))
        setup.standIn.setMaxSearchResults(10)
        let now = nowSeconds()
        setup.standIn.seed(
            (0..<15).map {
                ReconcileScenario.remote(String(1100 + $0), host: "cut-\($0)", lastEventAt: now - 600, appKey: nil)
            })
        let result = try await setup.run(["sweep", "--all", "--yes", "--verify", "--verify-timeout", "2s", "--json"])
        #expect(result.code == 1, "\(result.stderr)")
        #expect(
            result.stderr.contains("BigPanda's search was truncated, so zero active alerts could not be verified"),
            "\(result.stderr)")
        let report = try jsonObject(result.stdout)
        #expect(report["verified"] as? Bool == false)
        #expect((report["reconcile"] as? [String: Any])?["truncated"] as? Bool == true)
        // What the search showed was closed; the five beyond it are still active in BigPanda.
        let seenIDs: Set<String> = Set((1100..<1110).map(String.init))
        #expect(Set(setup.standIn.resolveRequests.flatMap { $0 }) == seenIDs)
        #expect(setup.standIn.activeAlerts.count == 5)
    }

    /// README "What reconcile sees": a 401, 403 or 404 from the Incidents API is configuration, exit 78,
    /// with BigPanda's text; nothing is sent or changed.
    @Test(
        arguments: [
            (403, "Forbidden: the key lacks Environments_Read"),
            (404, "environment not found"),
        ] as [(Int, String)])
    func aRefusalFromTheIncidentsAPIIsExit78WithBigPandasText(status: Int, text: String) async throws {
        let setup = try ReconcileScenario { _, request in
            guard status == 403, request.path.hasPrefix("/resources/") else { return nil }
            return .json(403, #"{"status":"failure","error":"\#(text)"}"#)
        }
        // A 404 is the stand-in's own answer for an environment it does not serve.
        let environment: [String: String?] = status == 404 ? ["BIGPANDA_ENVIRONMENT_ID": "env-elsewhere"] : [:]
        let now = nowSeconds()
        try await setup.scenario.record(host: "open-1", at: now - 7200)
        setup.standIn.seed([ReconcileScenario.remote("1201", host: "open-1", lastEventAt: now - 7200)])
        for arguments in [
            ["reconcile", "--yes", "--adopt"], ["reconcile", "--dry-run"], ["sweep", "--all", "--yes", "--verify"],
        ] {
            let result = try await setup.run(arguments, environment: environment)
            #expect(result.code == 78, "\(arguments): \(result.stderr)")
            #expect(result.stderr.contains("HTTP \(status)"), "\(arguments): \(result.stderr)")
            #expect(result.stderr.contains(text), "\(arguments): BigPanda's text: \(result.stderr)")
            #expect(!result.stderr.contains(ReconcileScenario.apiKey))
        }
        #expect(setup.standIn.received.isEmpty, "no ok was sent")
        #expect(setup.standIn.resolveRequests.isEmpty)
        #expect(try await setup.scenario.list("open").count == 1)
    }
}

/// Counts calls across the stand-in's threads.
final class FailureCount: @unchecked Sendable {
    private let lock = NSLock()
    private var count = 0

    func next() -> Int {
        lock.lock()
        defer { lock.unlock() }
        count += 1
        return count
    }

    var value: Int {
        lock.lock()
        defer { lock.unlock() }
        return count
    }
}
