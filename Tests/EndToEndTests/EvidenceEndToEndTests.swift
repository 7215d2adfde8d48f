import Alerts
import AlertsStandIn
import Foundation
import LogzioStandIn
import TestSupport
import Testing

/// Evidence through the binary, against the Logz.io stand-in's trigger log: a trigger after the last
/// notification keeps an alert, a verified quiet definition closes after three time frames, a failed
/// search decides as without evidence, and accounts do not mix.
@Suite(.timingSensitive) struct EvidenceEndToEndTests {
    /// Definition 101: a 15-minute frame, no wait (P = E = 15m, 47m). 102: a 15-minute frame and a 1-hour
    /// wait (P = 1h: 3h2m without evidence; E = 15m: 47m when its triggers are verified).
    func scenario(config: String = "stale_after: auto\n") throws -> AutoScenario {
        try AutoScenario(config: config, evidence: true)
    }

    func record(_ setup: AutoScenario, host: String, definition: Int64, at: Int64, account: String? = nil)
        async throws
    {
        let accountField = account.map { #","logzio_account_id":"\#($0)""# } ?? ""
        try await setup.scenario.record(
            host: host, at: at, extra: #","alert_definition_id":\#(definition)\#(accountField)"#)
    }

    @Test func aTriggerKeepsAnAlertAndAVerifiedQuietDefinitionClosesAfterThreeFrames() async throws {
        let setup = try scenario()
        let now = nowSeconds()
        // Quiet: notified 50 minutes ago, its trigger logged with that notification, nothing since.
        try await record(setup, host: "quiet", definition: 102, at: now - 50 * 60)
        setup.logzio.logTrigger(definitionID: 102, at: now - 50 * 60)
        // Firing: notified an hour ago, but Logz.io logged a trigger 5 minutes ago (the notification withheld).
        try await record(setup, host: "firing", definition: 101, at: now - 60 * 60)
        setup.logzio.logTrigger(definitionID: 101, at: now - 5 * 60)

        let listed = try await setup.list()
        let quiet = try #require(listed["host=quiet check=cpu"])
        #expect(quiet["stale"] as? Bool == true, "verified: E = 15m gives 47m, and 50m have passed")
        #expect(quiet["evidence"] as? String == "verified")
        #expect(quiet["stale_after"] as? Int == 47 * 60)
        #expect(
            quiet["stale_after_source"] as? String
                == "auto: Logz.io alert 102, time frame 15m, triggers logged → 3 × 15m + 2m")
        let firing = try #require(listed["host=firing check=cpu"])
        #expect(firing["stale"] as? Bool == false, "a trigger 5 minutes ago proves it still fires")
        #expect(firing["evidence"] as? String == "verified")
        #expect(firing["last_trigger"] as? String == EpochTime.iso8601(now - 5 * 60))
        // "5m ago" and "1h", or a second or two more if the clock ticked while the commands ran.
        let reason = firing["reason"] as? String ?? ""
        #expect(reason.hasPrefix("Logz.io logged a trigger of alert 101 5m"), "\(reason)")
        #expect(reason.contains(" ago (no notification for 1h"), "\(reason)")

        let metricsFile = setup.scenario.directory + "/metrics.prom"
        let swept = try await setup.run(["sweep", "--json", "--metrics-file", metricsFile])
        #expect(swept.code == 0, "\(swept.stderr)")
        let report = try jsonObject(swept.stdout)
        #expect(report["resolved"] as? Int == 1)
        let actions = try #require(report["actions"] as? [[String: Any]])
        let kept = try #require(actions.first { $0["identity"] as? String == "host=firing check=cpu" })
        #expect(kept["action"] as? String == "kept")
        #expect(kept["evidence"] as? String == "verified")
        #expect(kept["last_trigger"] as? String == EpochTime.iso8601(now - 5 * 60))
        #expect(setup.scenario.standIn.received.map { $0.alert["host"]?.stringValue } == ["quiet"])
        let metrics = try String(contentsOfFile: metricsFile, encoding: .utf8)
        #expect(metrics.contains("\nlogzio_resolver_evidence_kept_total 1\n"), "\(metrics)")
        #expect(metrics.contains("\nlogzio_resolver_evidence_unverified_definitions 0\n"))
        // One search per run, for both definitions; one fetch per run.
        #expect(setup.logzio.searchRequests.map { $0.sorted() } == [[101, 102], [101, 102]])
        #expect(setup.logzio.requestCount == 4, "list and sweep: one fetch and one search each")
    }

    @Test func anUnverifiedDefinitionKeepsItsWaitAndIsNamedOnce() async throws {
        let setup = try scenario()
        let now = nowSeconds()
        // The latest trigger is two hours before the latest notification: the search does not see this
        // definition's triggers, so their absence proves nothing.
        try await record(setup, host: "quiet", definition: 102, at: now - 50 * 60)
        setup.logzio.logTrigger(definitionID: 102, at: now - 170 * 60)
        let swept = try await setup.run(["sweep", "--json"])
        #expect(swept.code == 0, "\(swept.stderr)")
        let report = try jsonObject(swept.stdout)
        #expect(report["resolved"] as? Int == 0, "P = 1h: 3h2m, as without evidence")
        let action = try #require((report["actions"] as? [[String: Any]])?.first)
        #expect(action["evidence"] as? String == "unverified")
        let warnings = swept.stderr.split(separator: "\n").filter { $0.contains("did not verify") }
        #expect(warnings.count == 1, "\(swept.stderr)")
        #expect(warnings.first?.contains("102") == true)
    }

    @Test func aFailedSearchDecidesAsWithoutEvidenceWithOneWarningAndACount() async throws {
        let setup = try scenario()
        let now = nowSeconds()
        try await record(setup, host: "firing", definition: 101, at: now - 60 * 60)
        setup.logzio.logTrigger(definitionID: 101, at: now - 5 * 60)
        // An answer without the aggregation is a failed search: no evidence this run.
        setup.logzio.setOmitsAggregation(true)
        let listed = try await setup.list()
        #expect(listed["host=firing check=cpu"]?["evidence"] as? String == "failed")
        let metricsFile = setup.scenario.directory + "/metrics.prom"
        let swept = try await setup.run(["sweep", "--metrics-file", metricsFile])
        #expect(swept.code == 0, "a failed search never changes the exit code: \(swept.stderr)")
        #expect(setup.scenario.standIn.received.count == 1, "without evidence, 1h of silence is past 47m")
        let warnings = swept.stderr.split(separator: "\n").filter { $0.contains("trigger log") }
        #expect(warnings.count == 1, "\(swept.stderr)")
        let metrics = try String(contentsOfFile: metricsFile, encoding: .utf8)
        #expect(metrics.contains("\nlogzio_resolver_evidence_failures_total 1\n"), "\(metrics)")
        #expect(metrics.contains("\nlogzio_resolver_evidence_kept_total") == false, "nothing was kept by a trigger")
    }

    @Test func aRunWithNothingThatCouldBeStaleSearchesNothingAndOffMeansOff() async throws {
        let setup = try scenario()
        let now = nowSeconds()
        try await record(setup, host: "fresh", definition: 101, at: now - 60)
        #expect(try await setup.run(["sweep"]).code == 0)
        #expect(setup.logzio.searchCount == 0, "no alert could be stale: no search")
        try await record(setup, host: "old", definition: 101, at: now - 2 * 3600)
        let second = try await setup.run(["sweep", "--dry-run", "--json"])
        #expect(second.code == 0)
        #expect(setup.logzio.searchCount == 1, "an alert silent for 2h could be stale: one search")
        let offSetup = try AutoScenario()
        try await record(offSetup, host: "old", definition: 101, at: now - 2 * 3600)
        let listed = try await offSetup.list()
        #expect(listed["host=old check=cpu"]?["evidence"] as? String == "none")
        #expect(listed["host=old check=cpu"]?["last_trigger"] is NSNull)
        #expect(offSetup.logzio.searchCount == 0)
    }

    @Test func accountsUseTheirOwnTokenAndOneAccountsFailureLeavesTheOthersAlone() async throws {
        let other = LogzioStandIn(token: "account-42-token", definitions: StandInDefinition.sampleAccount())
        // Account 42 refuses every request (a 400 is not retried, so the test need not wait out the 30 s).
        let otherServer = try StandInLoopback(serving: other) { _, _ in .json(400, #"{"message":"bad request"}"#) }
        defer { otherServer.stop() }
        let tokenFile = NSTemporaryDirectory() + "lr-account-42-\(UUID().uuidString).token"
        try "account-42-token\n".write(toFile: tokenFile, atomically: true, encoding: .utf8)
        chmod(tokenFile, 0o600)
        defer { unlink(tokenFile) }
        let setup = try scenario(
            config: """
                stale_after: auto
                logzio:
                  accounts:
                    - { id: 42, token_file: \(tokenFile), api_url: \(otherServer.baseURL) }

                """)
        let now = nowSeconds()
        try await record(setup, host: "top", definition: 101, at: now - 60 * 60)
        try await record(setup, host: "forty-two", definition: 101, at: now - 60 * 60, account: "42")
        let listed = try await setup.list()
        #expect(listed["host=top check=cpu"]?["stale"] as? Bool == true, "the top-level account answered")
        #expect(listed["host=forty-two check=cpu"]?["stale"] as? Bool == false, "account 42 failed: no fallback, kept")
        #expect(listed["host=forty-two check=cpu"]?["evidence"] as? String == "failed")
        #expect(setup.logzio.searchRequests.count == 1, "the top-level account was searched once")
        #expect(setup.logzio.rejections.isEmpty, "the top-level stand-in never saw account 42's token")
    }

    @Test func checkPrintsEvidenceAndRefusesEvidenceWithoutAToken() async throws {
        let setup = try scenario()
        let now = nowSeconds()
        try await record(setup, host: "seen", definition: 101, at: now - 60 * 60)
        setup.logzio.logTrigger(definitionID: 101, at: now - 60 * 60 + 30)
        try await record(setup, host: "unseen", definition: 102, at: now - 30 * 60)
        let check = try await setup.run(["check"])
        #expect(check.code == 0, "\(check.stdout)\(check.stderr)")
        #expect(check.stdout.contains("evidence: 1 of 2 definitions verified"), "\(check.stdout)")
        #expect(check.stdout.contains("unverified: 102"), "\(check.stdout)")

        try setup.scenario.writeConfig("stale_after: 1h\nlogzio:\n  evidence: on\n")
        for command in [["check"], ["sweep"], ["list"]] {
            let refused = try await setup.run(command, environment: ["LOGZIO_API_TOKEN": nil])
            #expect(refused.code == 78, "\(command): \(refused.stderr)")
            #expect(refused.stderr.contains("logzio.evidence"), "\(refused.stderr)")
        }
        try setup.scenario.writeConfig("logzio:\n  accounts:\n    - { id: 42 }\n")
        let noFile = try await setup.run(["check"])
        #expect(noFile.code == 78)
        #expect(noFile.stderr.contains("token_file"), "\(noFile.stderr)")
    }
}
