import Alerts
import AlertsStandIn
import Foundation
import TestSupport
import Testing

/// The binary's core commands on a PostgreSQL ledger: the same product as on SQLite.
@Suite(.timingSensitive) struct PostgresEndToEndTests {
    @Test func recordListSweepAndCheckWorkOnPostgreSQL() async throws {
        guard let database = try PostgresTestServer.freshDatabase() else { return }
        let scenario = try Scenario()
        let ledger: [String: String?] = ["LOGZIO_RESOLVER_LEDGER": database]
        let base = nowSeconds() - 5 * 3600
        for (host, ago) in [("pg-old", Int64(0)), ("pg-new", 5 * 3600 - 60)] {
            let alert = #"{"app_key":"\#(Scenario.appKey)","status":"critical","host":"\#(host)","check":"cpu"}"#
            let recorded = try await scenario.run(
                ["record", "--at", String(base + ago)], stdin: alert, environment: ledger)
            #expect(recorded.code == 0, "\(recorded.stderr)")
        }
        let listed = try await scenario.run(["list", "--json"], environment: ledger)
        #expect(listed.code == 0, "\(listed.stderr)")
        #expect(listed.stdout.contains("pg-old") && listed.stdout.contains("pg-new"))
        let swept = try await scenario.run(["sweep", "--json"], environment: ledger)
        #expect(swept.code == 0, "\(swept.stderr)")
        #expect(try jsonObject(swept.stdout)["resolved"] as? Int == 1)
        #expect(scenario.standIn.received.map { $0.alert["host"]?.stringValue } == ["pg-old"])
        let resolved = try await scenario.run(["list", "--state", "resolved", "--json"], environment: ledger)
        #expect(resolved.code == 0, "\(resolved.stderr)")
        #expect(resolved.stdout.contains("pg-old") && !resolved.stdout.contains("pg-new"))
        let check = try await scenario.run(["check"], environment: ledger)
        #expect(check.code == 0, "\(check.stdout)\(check.stderr)")
        #expect(check.stdout.contains("open alerts: 1"))
        // Nothing was written to an SQLite file by mistake.
        #expect(!FileManager.default.fileExists(atPath: scenario.directory + "/logzio-resolver.sqlite"))
    }

    @Test func anUnreachableDatabaseIsExit1NamingItAndAMissingOneIs78() async throws {
        guard let database = try PostgresTestServer.freshDatabase() else { return }
        let scenario = try Scenario()
        let unreachable = try await scenario.run(
            ["sweep"], environment: ["LOGZIO_RESOLVER_LEDGER": "postgres://postgres@127.0.0.1:1/ledger"])
        #expect(unreachable.code == 1, "\(unreachable.stderr)")
        #expect(unreachable.stderr.contains("127.0.0.1"), "\(unreachable.stderr)")
        let missing = try await scenario.run(
            ["sweep"],
            environment: [
                "LOGZIO_RESOLVER_LEDGER": database.replacingOccurrences(of: "dbname=t_", with: "dbname=missing_")
            ])
        #expect(missing.code == 78, "\(missing.stderr)")
    }
}
