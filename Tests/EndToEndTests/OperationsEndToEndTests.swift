import Alerts
import AlertsStandIn
import Foundation
import TestSupport
import Testing

/// A strict reading of the Prometheus text format: every sample belongs to a family announced by
/// `# HELP` and `# TYPE` lines, names and labels are well formed, values parse.
func parsePrometheus(_ text: String) throws -> [String: Double] {
    var samples: [String: Double] = [:]
    var helped: Set<String> = []
    var typed: [String: String] = [:]
    let namePattern = /[a-zA-Z_:][a-zA-Z0-9_:]*/
    let labelPattern = /[a-zA-Z_][a-zA-Z0-9_]*="(?:[^"\\\n]|\\["\\n])*"/
    for line in text.split(separator: "\n", omittingEmptySubsequences: false) {
        if line.isEmpty { continue }
        if line.hasPrefix("# HELP ") {
            let parts = line.dropFirst(7).split(separator: " ", maxSplits: 1)
            try #require(parts.count == 2, "HELP without text: \(line)")
            helped.insert(String(parts[0]))
            continue
        }
        if line.hasPrefix("# TYPE ") {
            let parts = line.dropFirst(7).split(separator: " ")
            try #require(parts.count == 2 && ["counter", "gauge"].contains(parts[1]), "bad TYPE: \(line)")
            try #require(helped.contains(String(parts[0])), "TYPE before HELP: \(line)")
            typed[String(parts[0])] = String(parts[1])
            continue
        }
        try #require(!line.hasPrefix("#"), "unknown comment: \(line)")
        let spaced = line.split(separator: " ")
        try #require(spaced.count == 2, "a sample is `name{labels} value`: \(line)")
        let series = String(spaced[0])
        let name = String(series.prefix { $0 != "{" })
        try #require(name.wholeMatch(of: namePattern) != nil, "bad name: \(line)")
        try #require(typed[name] != nil, "sample without TYPE: \(line)")
        if series.contains("{") {
            try #require(series.hasSuffix("}"), "unclosed labels: \(line)")
            let labels = series.dropFirst(name.count + 1).dropLast()
            for label in labels.split(separator: ",") {
                try #require(String(label).wholeMatch(of: labelPattern) != nil, "bad label: \(line)")
            }
        }
        if typed[name] == "counter" { try #require(name.hasSuffix("_total"), "counter without _total: \(line)") }
        let value = try #require(Double(String(spaced[1])), "bad value: \(line)")
        samples[series] = value
    }
    return samples
}

@Suite(.timingSensitive) struct OperationsEndToEndTests {
    @Test func metricsFileAfterResolvesFailuresAndAHold() async throws {
        let scenario = try Scenario(script: { _, request in
            String(decoding: request.body, as: UTF8.self).contains("\"host\":\"bad\"")
                ? .json(400, #"{"error":"no"}"#) : nil
        })
        try scenario.writeConfig("bigpanda:\n  requests_per_second: 0\n  batch_size: 1\nmax_resolves_per_run: 3\n")
        let old = nowSeconds() - 7200
        try await scenario.record(host: "good", at: old)
        try await scenario.record(host: "bad", at: old)
        let metrics = scenario.directory + "/metrics.prom"
        let first = try await scenario.run(["sweep", "--metrics-file", metrics])
        #expect(first.code == 1)
        var samples = try parsePrometheus(try String(contentsOfFile: metrics, encoding: .utf8))
        #expect(samples[#"logzio_resolver_resolved_total{app_key="e2e-app-key",rule="default"}"#] == 1)
        #expect(samples[#"logzio_resolver_failed_total{app_key="e2e-app-key",rule="default"}"#] == 1)
        #expect(samples["logzio_resolver_last_success_timestamp_seconds"] == 0, "exit 1 is not a success")
        #expect(samples["logzio_resolver_stale_alerts"] == 2)
        #expect(samples["logzio_resolver_open_alerts"] == 1)
        let lastRun = try #require(samples["logzio_resolver_last_run_timestamp_seconds"])
        #expect(abs(lastRun - Double(nowSeconds())) < 60)
        #expect((samples["logzio_resolver_oldest_open_alert_age_seconds"] ?? 0) >= 7100)

        // A hold: 4 more stale alerts exceed max_resolves_per_run 3.
        for index in 0..<4 { try await scenario.record(host: "more-\(index)", at: old) }
        let held = try await scenario.run(["sweep", "--metrics-file", metrics])
        #expect(held.code == 75)
        samples = try parsePrometheus(try String(contentsOfFile: metrics, encoding: .utf8))
        #expect(samples["logzio_resolver_held_runs_total"] == 1)
        #expect(
            samples[#"logzio_resolver_resolved_total{app_key="e2e-app-key",rule="default"}"#] == 1, "counters persist")

        // A clean run sets last_success; the counter keeps growing across runs.
        let clean = try await scenario.run(["sweep", "--force", "--metrics-file", metrics, "--app-key", "other-app"])
        #expect(clean.code == 0)
        samples = try parsePrometheus(try String(contentsOfFile: metrics, encoding: .utf8))
        #expect(abs((samples["logzio_resolver_last_success_timestamp_seconds"] ?? 0) - Double(nowSeconds())) < 60)
        #expect(!FileManager.default.fileExists(atPath: metrics + ".tmp"))
    }

    @Test func aRunWithoutMetricsOutputStillKeepsItsCountsInTheLedger() async throws {
        // The relay's /metrics and a later run's file read the counters and last-run gauges from the
        // ledger, so a sweep that writes no file and pushes nothing must still store them.
        let scenario = try Scenario()
        try scenario.writeConfig("bigpanda:\n  requests_per_second: 0\nmax_resolves_per_run: 1\n")
        let old = nowSeconds() - 7200
        try await scenario.record(host: "first", at: old)
        let clean = try await scenario.run(["sweep"])
        #expect(clean.code == 0, "\(clean.stderr)")
        for index in 0..<2 { try await scenario.record(host: "more-\(index)", at: old) }
        #expect(try await scenario.run(["sweep"]).code == 75)
        #expect(try await scenario.run(["sweep"]).code == 75)
        // A dry run sets no last-success of its own, so what its file shows is what the others stored.
        let metrics = scenario.directory + "/metrics.prom"
        #expect(try await scenario.run(["sweep", "--dry-run", "--metrics-file", metrics]).code == 75)
        let samples = try parsePrometheus(try String(contentsOfFile: metrics, encoding: .utf8))
        #expect(samples["logzio_resolver_held_runs_total"] == 2, "the two held runs without a file")
        #expect(abs((samples["logzio_resolver_last_success_timestamp_seconds"] ?? 0) - Double(nowSeconds())) < 60)
        #expect(samples[#"logzio_resolver_resolved_total{app_key="e2e-app-key",rule="default"}"#] == 1)
    }

    @Test func refiringSoonAfterOurOkIsCounted() async throws {
        let scenario = try Scenario()
        try await scenario.record(host: "flappy", at: nowSeconds() - 7200)
        #expect(try await scenario.run(["sweep"]).code == 0)
        try await scenario.record(host: "flappy", at: nowSeconds())
        let metrics = scenario.directory + "/m.prom"
        // The re-fired alert is fresh: nothing is stale, nothing sent.
        let refired = try await scenario.run(["sweep", "--metrics-file", metrics])
        #expect(refired.code == 0, "\(refired.stderr)")
        let samples = try parsePrometheus(try String(contentsOfFile: metrics, encoding: .utf8))
        #expect(samples[#"logzio_resolver_refired_after_resolve_total{rule="default"}"#] == 1)
    }

    @Test func checkExplainsRulesAndExitCodes() async throws {
        let scenario = try Scenario(
            config: """
                rules:
                  - name: payments
                    match: { service: "payments*" }
                    stale_after: 3h
                """)
        try await scenario.record(host: "web-1", at: nowSeconds() - 600)
        let ok = try await scenario.run([
            "check", "--alert", #"{"app_key":"e2e-app-key","status":"critical","service":"payments-api"}"#,
        ])
        #expect(ok.code == 0, "\(ok.stderr)")
        #expect(ok.stdout.contains("payments"))
        #expect(ok.stdout.contains("service=payments*"))
        #expect(ok.stdout.contains(#"rule "payments", stale after 3h"#))
        #expect(ok.stdout.contains("host=web-1 check=cpu"))
        #expect(ok.stdout.contains("stale at"))
        #expect(scenario.standIn.requestCount == 0)
        let noToken = try await scenario.run(["check"], environment: ["BIGPANDA_TOKEN": nil])
        #expect(noToken.code == 78)
        #expect(noToken.stderr.contains("token"))
        let badAlert = try await scenario.run(["check", "--alert", "{}"])
        #expect(badAlert.code == 78)
        try scenario.writeConfig("stale_after: soon\n")
        let badConfig = try await scenario.run(["check"])
        #expect(badConfig.code == 78)
        #expect(badConfig.stderr.contains("config.yaml:1: stale_after"))
    }

    @Test func pruneKeepsOpenAlertsAndRefusesAShortRetention() async throws {
        let scenario = try Scenario()
        let longAgo = nowSeconds() - 40 * 86400
        try await scenario.record(host: "fixed", at: longAgo)
        try await scenario.record(host: "fixed", status: "ok", at: longAgo + 60)
        try await scenario.record(host: "still-open", at: longAgo)
        try await scenario.record(host: "still-open", at: longAgo + 30)
        let short = try await scenario.run(["prune", "--older-than", "30m"])
        #expect(short.code == 64)
        #expect(short.stderr.contains("stale_after"))
        let preview = try await scenario.run(["prune", "--older-than", "30d", "--dry-run"])
        #expect(preview.code == 0)
        #expect(preview.stdout.contains("would delete 1 event"))
        let done = try await scenario.run(["prune", "--older-than", "30d"])
        #expect(done.code == 0, "\(done.stderr)")
        #expect(done.stdout.contains("deleted 1 event"))
        let alerts = try await scenario.list()
        #expect(alerts.count == 2, "no alert and no last event is ever deleted")
        #expect(try await scenario.list("open").count == 1)
        try scenario.writeConfig("retention: 10m\n")
        #expect(try await scenario.run(["prune"]).code == 78)
    }

    @Test func noProgressWhenStderrIsNotATerminal() async throws {
        let scenario = try Scenario()
        for index in 0..<5 { try await scenario.record(host: "h\(index)", at: nowSeconds() - 60) }
        let piped = try await scenario.run(["sweep", "--all", "--yes"])
        #expect(piped.code == 0)
        #expect(piped.stderr.isEmpty)
    }

    @Test(RequiredTools.trait("script"))
    func progressOnATerminal() async throws {
        let script = try RequiredTools.path("script")
        let scenario = try Scenario()
        for index in 0..<5 { try await scenario.record(host: "t\(index)", at: nowSeconds() - 60) }
        let command = "\(Binary.path) sweep --all --yes"
        let tty = try await Binary.run(
            ["-qec", command, "/dev/null"], stdin: "", environment: scenario.environment,
            directory: scenario.directory, executable: script)
        #expect(tty.code == 0, "\(tty.stdout)")
        #expect(tty.stdout.contains("closing alerts: 5/5"), "\(tty.stdout)")
    }

    @Test func jsonLogLinesHaveStableKeys() async throws {
        let scenario = try Scenario()
        try await scenario.record(host: "web-1", at: nowSeconds() - 7200)
        let result = try await scenario.run(["sweep", "--verbose", "--log-format", "json"])
        #expect(result.code == 0)
        let lines = result.stderr.split(separator: "\n")
        #expect(!lines.isEmpty)
        for line in lines {
            let object = try jsonObject(String(line))
            #expect(object["ts"] is String)
            #expect(object["level"] is String)
            #expect(object["msg"] is String)
        }
        #expect(result.stderr.contains(#""sweep.stale":"1""#))
        let quiet = try await scenario.run(["sweep", "--quiet"])
        #expect(quiet.code == 0)
        #expect(quiet.stderr.isEmpty && quiet.stdout.isEmpty)
    }
}
