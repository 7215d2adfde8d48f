import Alerts
import AlertsStandIn
import Foundation
import TestSupport
import Testing

@Suite(.timingSensitive) struct InputEndToEndTests {
    @Test(arguments: [
        (#"not json"#, "invalid JSON"),
        (#"{"app_key":"e2e-app-key","status":"firing","host":"h"}"#, "status:"),
        (#"{"app_key":"e2e-app-key","status":"critical"}"#, "primary property"),
        (#"{"status":"critical","host":"h"}"#, "app_key:"),
        (#"{"app_key":"e2e-app-key","status":"critical","host":"h","timestamp":"soon"}"#, "timestamp:"),
    ])
    func recordRejectsBadInputWithExit65(input: String, message: String) async throws {
        let scenario = try Scenario()
        let result = try await scenario.run(["record"], stdin: input)
        #expect(result.code == 65)
        #expect(result.stderr.contains(message), "\(result.stderr)")
        #expect(result.stderr.split(separator: "\n").count == 1)
        #expect(try await scenario.list().isEmpty)
    }

    @Test(arguments: [
        (["sweep", "--all"], "--yes", "logzio-resolver sweep --help"),
        (["sweep", "--token", "abc"], "--token", "logzio-resolver sweep --help"),
        (["list", "--state", "bogus"], "bogus", "logzio-resolver list --help"),
        (["import"], "<file>", "logzio-resolver import --help"),
        (["ledger", "copy"], "--from", "logzio-resolver ledger copy --help"),
        (["frobnicate"], "frobnicate", "logzio-resolver --help"),
    ])
    func aUsageErrorIsOneLineAndExit64(arguments: [String], names: String, hint: String) async throws {
        let scenario = try Scenario()
        let result = try await scenario.run(arguments)
        #expect(result.code == 64)
        let lines = result.stderr.split(separator: "\n")
        #expect(lines.count == 1, "\(result.stderr)")
        #expect(lines.first?.hasPrefix("logzio-resolver: ") == true, "\(result.stderr)")
        #expect(result.stderr.contains(names) && result.stderr.contains("(see '\(hint)')"), "\(result.stderr)")
        #expect(result.stdout.isEmpty)
        #expect(!result.stderr.contains("abc"), "the value after an unknown option is not echoed")
    }

    @Test func helpAndVersionStillGoToStdoutWithExit0() async throws {
        let scenario = try Scenario()
        let help = try await scenario.run(["sweep", "--help"])
        #expect(help.code == 0)
        #expect(help.stdout.contains("USAGE: logzio-resolver sweep"), "\(help.stdout)")
        #expect(help.stderr.isEmpty)
        let version = try await scenario.run(["--version"])
        #expect(version.code == 0)
        #expect(!version.stdout.isEmpty && version.stderr.isEmpty)
    }

    @Test func recordFillsTheAppKeyFromTheEnvironment() async throws {
        let scenario = try Scenario()
        let result = try await scenario.run(
            ["record"], stdin: #"{"status":"Critical","host":"h"}"#,
            environment: ["BIGPANDA_APP_KEY": "from-env"])
        #expect(result.code == 0, "\(result.stderr)")
        let alert = try #require(try await scenario.list().first?["alert"] as? [String: Any])
        #expect(alert["app_key"] as? String == "from-env")
        #expect(alert["status"] as? String == "critical")
    }

    @Test func importIsAllOrNothingAndNamesEveryBadLine() async throws {
        let scenario = try Scenario()
        let lines = [
            #"{"app_key":"e2e-app-key","status":"critical","host":"a"}"#,
            "",
            #"{"app_key":"e2e-app-key","status":"nope","host":"b"}"#,
            #"{"alert":{"app_key":"e2e-app-key","status":"critical","host":"c"},"received_at":"2026-11-27T10:00:00Z"}"#,
            #"{"alert":{"app_key":"e2e-app-key","status":"critical"}}"#,
        ]
        let file = scenario.directory + "/alerts.jsonl"
        try lines.joined(separator: "\n").write(toFile: file, atomically: true, encoding: .utf8)
        let result = try await scenario.run(["import", file])
        #expect(result.code == 65)
        #expect(result.stderr.contains("line 3: status:"))
        #expect(result.stderr.contains("line 5: host:"))
        #expect(!result.stderr.contains("line 1:"))
        #expect(try await scenario.list().isEmpty)

        let skipped = try await scenario.run(["import", "--skip-invalid", file])
        #expect(skipped.code == 0)
        #expect(skipped.stderr.contains("line 3"))
        let alerts = try await scenario.list()
        #expect(alerts.count == 2)
        let enveloped = alerts.first { ($0["alert"] as? [String: Any])?["host"] as? String == "c" }
        #expect(enveloped?["last_received"] as? String == "2026-11-27T10:00:00Z")
    }

    @Test func importFromStdinAndSkipInvalidWithNothingGoodExits65() async throws {
        let scenario = try Scenario()
        let good = try await scenario.run(
            ["import", "-"], stdin: #"{"app_key":"e2e-app-key","status":"warning","host":"a"}"# + "\n")
        #expect(good.code == 0, "\(good.stderr)")
        #expect(good.stdout.isEmpty && good.stderr.isEmpty)
        let bad = try await scenario.run(["import", "--skip-invalid", "-"], stdin: "[1]\n")
        #expect(bad.code == 65)
        #expect(try await scenario.list().count == 1)
    }

    @Test func listFiltersByStateAndReportsStaleness() async throws {
        let scenario = try Scenario()
        let now = nowSeconds()
        try await scenario.record(host: "old", at: now - 7200)
        try await scenario.record(host: "new", at: now - 60)
        try await scenario.record(host: "fixed", at: now - 7200)
        try await scenario.record(host: "fixed", status: "ok", at: now - 3600)
        #expect(try await scenario.list("open").count == 2)
        let stale = try await scenario.list("stale")
        #expect(stale.count == 1)
        #expect(stale.first?["stale"] as? Bool == true)
        #expect(stale.first?["rule"] as? String == "default")
        #expect(try await scenario.list("resolved").count == 1)
        #expect(try await scenario.list("stale", now: now + 7200).count == 2)
        let table = try await scenario.run(["list"])
        #expect(table.code == 0, "\(table.stderr)")
        #expect(table.stdout.contains("host=old check=cpu"))
    }

    @Test func demoRunsWithoutAnAccount() async throws {
        let result = try await Binary.run(
            ["demo"], stdin: "", environment: ["PATH": "/usr/bin:/bin"], directory: "/tmp")
        #expect(result.code == 0, "\(result.stderr)")
        #expect(result.stdout.contains("closed"))
        #expect(result.stdout.contains("kept"))
        #expect(result.stdout.contains("never auto-resolves"))
        // It ends with the cleanup: the two alerts forwarded before install are adopted, and BigPanda
        // shows nothing active.
        #expect(result.stdout.contains("2 never seen, adopted"))
        #expect(result.stdout.contains("2 by BigPanda alert id"))
        #expect(result.stdout.contains("0 active alerts in scope: verified"))
        // And one alert under stale_after: auto, with its derivation from a Logz.io definition.
        #expect(result.stdout.contains("3h2m, auto: Logz.io alert 102, time frame 15m, wait 1h → 3 × 1h + 2m"))
        #expect(result.stdout.contains("(rule \"search\", stale after auto 3h2m)"))
        // What people see: worker-7's incident is snoozed, so the sweep keeps it, and the incident of an
        // alert it closed gets a comment saying why.
        #expect(result.stdout.contains("kept: incident inc-105 is snoozed until"), "\(result.stdout)")
        #expect(
            result.stdout.contains(
                "logzio-resolver closed 1 alert: host=web-1 check=High error rate (no notification for 3h12m, rule default"
            ))
    }
}
