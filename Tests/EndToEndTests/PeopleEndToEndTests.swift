import Alerts
import AlertsStandIn
import Foundation
import TestSupport
import Testing

/// People first, through the binary against the stand-in's Incidents API: what a person holds stays open
/// (and says so), each closed incident gets a comment, errors are never closes, and a config with
/// `keep_when` and no API key is refused.
@Suite(.timingSensitive) struct PeopleEndToEndTests {
    static let apiKey = "BPU-people-api-key-77c1"

    func scenario(keepWhen: String = "[snoozed]", extra: String = "") throws -> Scenario {
        let scenario = try Scenario(apiKey: Self.apiKey)
        try scenario.writeConfig(
            """
            keep_when: \(keepWhen)
            max_resolve_fraction: 1
            bigpanda:
              requests_per_second: 0
              api_requests_per_second: 0
              deadline: 3s
              environment_id: \(scenario.standIn.environmentID)
            \(extra)
            """)
        return scenario
    }

    func environment(_ scenario: Scenario) -> [String: String?] {
        ["BIGPANDA_API_KEY": Self.apiKey, "BIGPANDA_API_URL": scenario.apiURL]
    }

    /// The stand-in's incident of the alert for `host`.
    func incident(_ scenario: Scenario, host: String) throws -> String {
        let alert = scenario.standIn.bigPandaAlerts.first {
            $0.tags.contains { $0.name == "host" && $0.value == .string(host) }
        }
        return try #require(alert?.incidentID)
    }

    @Test func aSnoozedIncidentKeepsItsAlertAndAClosedOneGetsAComment() async throws {
        let scenario = try scenario()
        let now = nowSeconds()
        try await scenario.record(host: "snoozed", at: now - 7200)
        try await scenario.record(host: "closes", at: now - 7200)
        scenario.standIn.snooze(incidentID: try incident(scenario, host: "snoozed"), until: now + 3600)
        let metricsFile = scenario.directory + "/metrics.prom"
        let swept = try await scenario.run(
            ["sweep", "--json", "--metrics-file", metricsFile], environment: environment(scenario))
        #expect(swept.code == 0, "\(swept.stderr)")
        let report = try jsonObject(swept.stdout)
        #expect(report["resolved"] as? Int == 1)
        let actions = try #require(report["actions"] as? [[String: Any]])
        let kept = try #require(actions.first { $0["identity"] as? String == "host=snoozed check=cpu" })
        #expect(kept["action"] as? String == "kept")
        #expect(kept["held_by"] as? String == "snoozed")
        #expect((kept["reason"] as? String)?.contains("is snoozed until") == true)
        let closed = try #require(actions.first { $0["identity"] as? String == "host=closes check=cpu" })
        #expect(closed["held_by"] is NSNull)
        // One comment, on the closed alert's incident, naming it and why.
        let comments = scenario.standIn.comments
        #expect(comments.map(\.incidentID) == [try incident(scenario, host: "closes")])
        #expect(comments.first?.text.hasPrefix("logzio-resolver closed 1 alert: host=closes check=cpu (") == true)
        // list shows what the last sweep kept for a person.
        let listed = try await scenario.run(["list", "--json"])
        let elements = try #require(
            try JSONSerialization.jsonObject(with: Data(listed.stdout.utf8)) as? [[String: Any]])
        #expect(
            elements.first { $0["identity"] as? String == "host=snoozed check=cpu" }?["held_by"] as? String == "snoozed"
        )
        let metrics = try String(contentsOfFile: metricsFile, encoding: .utf8)
        #expect(metrics.contains(#"logzio_resolver_kept_by_people_total{reason="snoozed"} 1"#), "\(metrics)")

        // The snooze lifted, the next sweep closes it, and the tool's own comment holds nothing.
        scenario.standIn.unsnooze(incidentID: try incident(scenario, host: "snoozed"))
        let again = try await scenario.run(["sweep", "--json"], environment: environment(scenario))
        #expect(again.code == 0, "\(again.stderr)")
        #expect(try jsonObject(again.stdout)["resolved"] as? Int == 1)
        let after = try await scenario.run(["list", "--json", "--state", "all"])
        #expect(!after.stdout.contains(#""held_by":"snoozed""#), "held_by is null once it closes")
    }

    @Test func theIncidentsAPIDownKeepsTheHeldRulesAlertsClosesTheOthersAndExits1() async throws {
        let scenario = try scenario(
            keepWhen: "[]",
            extra: """
                rules:
                  - name: guarded
                    match: { host: "guarded" }
                    stale_after: 1h
                    keep_when: [assigned]
                """)
        let now = nowSeconds()
        try await scenario.record(host: "guarded", at: now - 7200)
        try await scenario.record(host: "plain", at: now - 7200)
        scenario.standIn.failActivities(status: 503, times: 1_000)
        let swept = try await scenario.run(["sweep", "--json"], environment: environment(scenario))
        #expect(swept.code == 1, "\(swept.stderr)")
        #expect(swept.stderr.contains("could not be read"), "\(swept.stderr)")
        let report = try jsonObject(swept.stdout)
        #expect(report["resolved"] as? Int == 1, "the alert without keep_when closed")
        let kept = (report["actions"] as? [[String: Any]])?.first {
            $0["identity"] as? String == "host=guarded check=cpu"
        }
        #expect(kept?["reason"] as? String == "kept: BigPanda's Incidents API could not be read")
        #expect(scenario.standIn.received.map { $0.alert["host"]?.stringValue } == ["plain"])
    }

    @Test func noIncidentsRequestWhenNothingNeedsItAndSweepAllHonoursHolds() async throws {
        // Comments off and no keep_when: the Incidents API is never asked, even with a key.
        let quiet = try scenario(keepWhen: "[]", extra: "  comment_on_close: false")
        try await quiet.record(host: "web", at: nowSeconds() - 7200)
        let before = quiet.standIn.requestCount
        #expect(try await quiet.run(["sweep"], environment: environment(quiet)).code == 0)
        #expect(quiet.standIn.requestCount == before + 1, "one Alerts API request and nothing else")
        #expect(quiet.standIn.searchQueries.isEmpty)

        let held = try scenario()
        try await held.record(host: "snoozed", at: nowSeconds() - 60)
        held.standIn.snooze(incidentID: try incident(held, host: "snoozed"), until: nowSeconds() + 3600)
        let all = try await held.run(["sweep", "--all", "--yes", "--json"], environment: environment(held))
        #expect(all.code == 0, "a sweep --all that kept alerts for a hold exits 0: \(all.stderr)")
        #expect(try jsonObject(all.stdout)["resolved"] as? Int == 0)
        let ignored = try await held.run(
            ["sweep", "--all", "--yes", "--ignore-holds", "--json"], environment: environment(held))
        #expect(try jsonObject(ignored.stdout)["resolved"] as? Int == 1)
        let misuse = try await held.run(["sweep", "--ignore-holds"], environment: environment(held))
        #expect(misuse.code == 64)
    }

    @Test func keepWhenWithoutTheAPIKeyIsRefusedAndCheckShowsEachRulesHolds() async throws {
        let scenario = try scenario(
            keepWhen: "[snoozed, maintenance]",
            extra: """
                rules:
                  - name: payments
                    match: { service: "payments*" }
                    stale_after: 3h
                    keep_when: [assigned]
                """)
        let check = try await scenario.run(["check"], environment: environment(scenario))
        #expect(check.code == 0, "\(check.stdout)\(check.stderr)")
        #expect(check.stdout.contains("KEEP_WHEN"))
        #expect(check.stdout.contains("assigned"))
        #expect(check.stdout.contains("maintenance, snoozed"))
        for command in [["check"], ["sweep"], ["sweep", "--dry-run"]] {
            let refused = try await scenario.run(command, environment: ["BIGPANDA_API_KEY": nil])
            #expect(refused.code == 78, "\(command): \(refused.stderr)")
            #expect(refused.stderr.contains("keep_when"), "\(refused.stderr)")
            #expect(refused.stderr.contains("BIGPANDA_API_KEY"), "\(refused.stderr)")
        }
    }
}
