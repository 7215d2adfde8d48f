import Alerts
import AlertsStandIn
import Foundation
import TestSupport
import Testing

/// The commands not covered elsewhere on a PostgreSQL ledger: import, prune, reconcile (with
/// adoption) and `sweep --all --verify`. Every command works on both backends.
@Suite(.timingSensitive) struct PostgresCommandsEndToEndTests {
    static func alert(_ host: String, status: String = "critical") -> String {
        #"{"app_key":"\#(Scenario.appKey)","status":"\#(status)","host":"\#(host)","check":"cpu"}"#
    }

    static func array(_ text: String) throws -> [[String: Any]] {
        try #require(try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [[String: Any]], "\(text)")
    }

    @Test func importAndPruneWorkOnPostgreSQL() async throws {
        guard let database = try PostgresTestServer.freshDatabase() else { return }
        let scenario = try Scenario()
        let ledger: [String: String?] = ["LOGZIO_RESOLVER_LEDGER": database]
        let longAgo = nowSeconds() - 40 * 86400
        let lines = [
            (Self.alert("fixed"), longAgo), (Self.alert("fixed", status: "ok"), longAgo + 60),
            (Self.alert("still-open"), longAgo), (Self.alert("still-open"), longAgo + 30),
        ].map { #"{"alert":\#($0.0),"received_at":\#($0.1)}"# }
        let imported = try await scenario.run(
            ["import", "-"], stdin: lines.joined(separator: "\n") + "\n", environment: ledger)
        #expect(imported.code == 0, "\(imported.stderr)")

        let preview = try await scenario.run(["prune", "--older-than", "30d", "--dry-run"], environment: ledger)
        #expect(preview.code == 0, "\(preview.stderr)")
        #expect(preview.stdout.contains("would delete 1 event"), "\(preview.stdout)")
        let pruned = try await scenario.run(["prune", "--older-than", "30d"], environment: ledger)
        #expect(pruned.code == 0, "\(pruned.stderr)")
        #expect(pruned.stdout.contains("deleted 1 event"), "\(pruned.stdout)")

        let listed = try await scenario.run(["list", "--state", "all", "--json"], environment: ledger)
        #expect(listed.code == 0, "\(listed.stderr)")
        let alerts = try Self.array(listed.stdout)
        #expect(alerts.count == 2, "no alert and no last event is ever deleted")
        #expect(alerts.filter { $0["state"] as? String == "open" }.count == 1)
        #expect(!FileManager.default.fileExists(atPath: scenario.ledger), "nothing went to the SQLite file")
    }

    @Test func reconcileAdoptsAndSweepAllVerifiesOnPostgreSQL() async throws {
        guard let database = try PostgresTestServer.freshDatabase() else { return }
        let setup = try ReconcileScenario()
        let ledger: [String: String?] = ["LOGZIO_RESOLVER_LEDGER": database]
        let now = nowSeconds()
        let recorded = try await setup.scenario.run(
            ["record", "--at", String(now - 60)], stdin: Self.alert("ledger-1"), environment: ledger)
        #expect(recorded.code == 0, "\(recorded.stderr)")
        setup.standIn.seed([
            ReconcileScenario.remote("401", host: "ledger-1", lastEventAt: now - 60),
            ReconcileScenario.remote("402", host: "before-install-1", lastEventAt: now - 86_400, appKey: nil),
        ])

        let planned = try await setup.run(["reconcile", "--json", "--dry-run", "--adopt"], environment: ledger)
        #expect(planned.code == 0, "\(planned.stderr)")
        let plan = try jsonObject(planned.stdout)
        #expect(plan["tracked"] as? Int == 1)
        #expect(plan["untracked"] as? Int == 1)
        let adopted = try await setup.run(["reconcile", "--yes", "--adopt"], environment: ledger)
        #expect(adopted.code == 0, "\(adopted.stderr)")
        let openList = try await setup.run(["list", "--json"], environment: ledger)
        #expect(openList.code == 0, "\(openList.stderr)")
        let open = try Self.array(openList.stdout)
        #expect(Set(open.compactMap { $0["identity"] as? String }).contains("host=before-install-1 check=cpu"))

        let swept = try await setup.run(["sweep", "--all", "--yes", "--verify", "--json"], environment: ledger)
        #expect(swept.code == 0, "\(swept.stderr)")
        #expect(try jsonObject(swept.stdout)["verified"] as? Bool == true)
        #expect(setup.standIn.activeAlerts.isEmpty)
        #expect(Set(setup.standIn.resolveRequests.flatMap { $0 }) == ["402"], "the adopted alert by id")
        let afterList = try await setup.run(["list", "--json"], environment: ledger)
        #expect(afterList.code == 0, "\(afterList.stderr)")
        let after = try Self.array(afterList.stdout)
        #expect(after.isEmpty, "nothing open in the PostgreSQL ledger")
        #expect(!FileManager.default.fileExists(atPath: setup.scenario.ledger), "nothing went to the SQLite file")
    }
}
