import Alerts
import AlertsStandIn
import Foundation
import Ledger
import SQLiteLedger
import TestSupport
import Testing

@Suite(.timingSensitive) struct SweepEndToEndTests {
    @Test func sweepsExactlyTheStaleAlertsOnceWithALaterTimestamp() async throws {
        let scenario = try Scenario()
        let base = nowSeconds() - 10 * 3600
        let payloadStamp = base + 5  // the payload's own timestamp is later than its receive time
        try await scenario.record(host: "web-1", at: base, extra: #","timestamp":\#(payloadStamp),"samples":{"a":1}"#)
        try await scenario.record(host: "web-2", at: base + 50 * 60)
        try await scenario.record(host: "web-3", at: base + 2 * 3600)

        // Before the 1h threshold for anyone: nothing is sent.
        var result = try await scenario.run(["sweep", "--now", String(base + 59 * 60)])
        #expect(result.code == 0)
        #expect(result.stdout.isEmpty && result.stderr.isEmpty, "a sending sweep is silent: \(result.stderr)")
        #expect(scenario.standIn.requestCount == 0)

        // At base+1h55m, web-1 (1h55m) and web-2 (1h05m) are stale, web-3 is not yet received... it is, at +2h: kept.
        result = try await scenario.run(["sweep", "--now", String(base + 115 * 60)])
        #expect(result.code == 0, "\(result.stderr)")
        #expect(result.stdout.isEmpty)
        let received = scenario.standIn.received
        #expect(Set(received.compactMap { $0.alert["host"]?.stringValue }) == ["web-1", "web-2"])
        for event in received {
            #expect(event.alert["status"]?.stringValue == "ok")
            #expect(event.alert["check"]?.stringValue == "cpu")
            #expect(event.alert["app_key"]?.stringValue == Scenario.appKey)
            #expect(event.alert["resolved_by"]?.stringValue == "logzio-resolver")
            let stamp = try #require(event.alert["timestamp"]?.integerValue)
            #expect(stamp >= nowSeconds() - 60, "the ok's timestamp is the wall clock, not --now")
            #expect(stamp > payloadStamp)
            let description = try #require(event.alert["description"]?.stringValue)
            #expect(description.contains("rule \"default\", stale after 1h"))
            if event.alert["host"]?.stringValue == "web-1" {
                #expect(event.alert["samples"]?.stringValue == #"{"a":1}"#, "nested values go as JSON text")
            }
        }
        #expect(scenario.standIn.rejections.isEmpty)

        // A second sweep sends nothing more.
        result = try await scenario.run(["sweep", "--now", String(base + 115 * 60)])
        #expect(result.code == 0)
        #expect(scenario.standIn.received.count == 2)

        let states = try await scenario.list()
        #expect(states.filter { $0["state"] as? String == "resolved" }.count == 2)
        #expect(states.filter { $0["state"] as? String == "open" }.count == 1)
        // The oracle: BigPanda, applying its newest-timestamp rule, shows only web-3 open.
        #expect(scenario.activeHostsInBigPanda == ["web-3"])
    }

    @Test func anOkIsLaterThanEveryTimestampEvenWhenTheyAreAheadOfTheClock() async throws {
        let scenario = try Scenario()
        let base = nowSeconds() - 5 * 3600
        let ahead = nowSeconds() + 3600  // a sender whose clock runs an hour fast
        try await scenario.record(host: "fast-clock", at: base, extra: #","timestamp":\#(ahead)"#)
        try await scenario.record(host: "no-stamp", at: base)
        #expect(try await scenario.run(["sweep"]).code == 0)
        let sent = Dictionary(
            scenario.standIn.received.map {
                ($0.alert["host"]?.stringValue ?? "", $0.alert["timestamp"]?.integerValue)
            },
            uniquingKeysWith: { first, _ in first })
        #expect(sent["fast-clock"] == ahead + 1, "last + 1, not the wall clock")
        let noStamp = try #require(sent["no-stamp"] ?? nil)
        #expect(noStamp >= nowSeconds() - 60, "the receive time counts, and the wall clock is later")
        #expect(scenario.activeHostsInBigPanda.isEmpty, "both oks were newer, so BigPanda resolved both")

        // It re-fires with a timestamp still further ahead; the next ok goes past it and past our first ok.
        try await scenario.record(host: "fast-clock", at: base + 60, extra: #","timestamp":\#(ahead + 100)"#)
        #expect(scenario.activeHostsInBigPanda == ["fast-clock"])
        #expect(try await scenario.run(["sweep", "--json"]).code == 0)
        let second = scenario.standIn.received.last { $0.alert["host"]?.stringValue == "fast-clock" }
        #expect(second?.alert["timestamp"]?.integerValue == ahead + 101)
        #expect(scenario.activeHostsInBigPanda.isEmpty)
    }

    @Test func aRefiredAlertIsKeptAndNeverRulesAreKept() async throws {
        let scenario = try Scenario(
            config: """
                rules:
                  - name: disks-by-hand
                    match: { check: "Disk*" }
                    stale_after: never
                """)
        let base = nowSeconds() - 20 * 3600
        try await scenario.record(host: "web-1", at: base)
        try await scenario.record(host: "web-1", at: base + 3 * 3600)  // re-fired
        try await scenario.record(host: "db-1", check: "Disk full", at: base)
        let result = try await scenario.run(["sweep", "--now", String(base + 3 * 3600 + 1800), "--json"])
        #expect(result.code == 0, "\(result.stderr)")
        let report = try jsonObject(result.stdout)
        #expect(report["open"] as? Int == 2)
        #expect(report["stale"] as? Int == 0)
        #expect(report["resolved"] as? Int == 0)
        let actions = try #require(report["actions"] as? [[String: Any]])
        #expect(actions.count == 2)
        #expect(actions.allSatisfy { $0["action"] as? String == "kept" })
        #expect(actions.contains { $0["rule"] as? String == "disks-by-hand" })
        #expect(scenario.standIn.requestCount == 0)

        // Much later, web-1 goes stale but the disk alert never does.
        let later = try await scenario.run(["sweep", "--json"])
        #expect(later.code == 0, "\(later.stderr)")
        let laterReport = try jsonObject(later.stdout)
        #expect(laterReport["resolved"] as? Int == 1)
        #expect(scenario.standIn.received.map { $0.alert["host"]?.stringValue } == ["web-1"])
    }

    @Test func dryRunShowsAndSendsNothing() async throws {
        let scenario = try Scenario()
        let base = nowSeconds() - 5 * 3600
        try await scenario.record(host: "web-1", at: base)
        try await scenario.record(host: "web-2", at: nowSeconds())
        let result = try await scenario.run(["sweep", "--dry-run"], environment: ["BIGPANDA_TOKEN": nil])
        #expect(result.code == 0, "\(result.stderr)")
        #expect(result.stdout.contains("would_resolve"))
        #expect(result.stdout.contains("host=web-1 check=cpu"))
        #expect(result.stdout.contains("2 open, 1 stale, 0 resolved"))
        #expect(scenario.standIn.requestCount == 0)
        // A dry run may look into the future.
        let future = try await scenario.run(["sweep", "--dry-run", "--json", "--now", String(nowSeconds() + 7200)])
        #expect(future.code == 0)
        let report = try jsonObject(future.stdout)
        #expect(report["stale"] as? Int == 2)
        #expect(report["resolved"] as? Int == 0)
        let actions = try #require(report["actions"] as? [[String: Any]])
        #expect(actions.allSatisfy { $0["action"] as? String == "would_resolve" })
        #expect(try await scenario.list("open").count == 2)
    }

    @Test func sweepAllNeedsYesAndClosesEverythingInScope() async throws {
        let scenario = try Scenario(config: "stale_after: 30d\n")
        let now = nowSeconds()
        try await scenario.record(host: "web-1", at: now - 60)
        try await scenario.record(host: "web-2", at: now - 60)
        let other = #"{"app_key":"other-app","status":"critical","host":"web-9"}"#
        #expect(try await scenario.run(["record"], stdin: other).code == 0)

        let refused = try await scenario.run(["sweep", "--all"])
        #expect(refused.code == 64)
        #expect(refused.stderr.contains("--yes"))
        #expect(scenario.standIn.requestCount == 0)

        let preview = try await scenario.run(["sweep", "--all", "--dry-run", "--app-key", Scenario.appKey, "--json"])
        #expect(preview.code == 0)
        #expect(try jsonObject(preview.stdout)["stale"] as? Int == 2)

        let done = try await scenario.run(["sweep", "--all", "--yes", "--app-key", Scenario.appKey])
        #expect(done.code == 0, "\(done.stderr)")
        #expect(Set(scenario.standIn.received.compactMap { $0.alert["host"]?.stringValue }) == ["web-1", "web-2"])
        #expect(scenario.standIn.received.allSatisfy { $0.appKey == Scenario.appKey })
        #expect(
            try await scenario.list("open").map { $0["alert"] as? [String: Any] }.compactMap { $0?["host"] as? String }
                == ["web-9"])
    }

    @Test func blastRadiusHoldsWithExit75AndForceLiftsIt() async throws {
        let scenario = try Scenario(config: "max_resolves_per_run: 3\n")
        let base = nowSeconds() - 3 * 3600
        for index in 0..<4 { try await scenario.record(host: "web-\(index)", at: base) }
        let held = try await scenario.run(["sweep", "--json"])
        #expect(held.code == 75)
        #expect(held.stderr.contains("max_resolves_per_run"))
        let report = try jsonObject(held.stdout)
        #expect(report["held"] as? Int == 4)
        #expect(scenario.standIn.requestCount == 0)
        let dryHeld = try await scenario.run(["sweep", "--dry-run"])
        #expect(dryHeld.code == 75)

        let forced = try await scenario.run(["sweep", "--force"])
        #expect(forced.code == 0, "\(forced.stderr)")
        #expect(scenario.standIn.received.count == 4)
    }

    @Test func fractionHoldNeedsTwentyOpen() async throws {
        let scenario = try Scenario()
        let now = nowSeconds()
        for index in 0..<20 { try await scenario.record(host: "h\(index)", at: index < 11 ? now - 7200 : now) }
        let held = try await scenario.run(["sweep"])
        #expect(held.code == 75)
        #expect(held.stderr.contains("max_resolve_fraction"))
    }

    @Test func missingTokenExits78BeforeTouchingTheLedger() async throws {
        let scenario = try Scenario()
        let result = try await scenario.run(["sweep"], environment: ["BIGPANDA_TOKEN": nil])
        #expect(result.code == 78)
        #expect(result.stderr.contains("BIGPANDA_TOKEN"))
        #expect(!FileManager.default.fileExists(atPath: scenario.ledger))
    }

    @Test func futureNowIsRefusedWhenSending() async throws {
        let scenario = try Scenario()
        let result = try await scenario.run(["sweep", "--now", String(nowSeconds() + 3600)])
        #expect(result.code == 64)
        #expect(result.stderr.contains("--now"))
    }

    /// README "Exit codes": a bad TIME in `--now` is bad usage, exit 64 naming the flag, for every command that
    /// takes it, sending or not; nothing is sent and the ledger is unchanged.
    @Test(arguments: ["yesterday", "2026-13-40T10:00:00Z", "2026-11-27", "17642376000000000000", "12.5", ""])
    func aBadNowIsExit64(now: String) async throws {
        let scenario = try Scenario()
        try await scenario.record(host: "web-1", at: nowSeconds() - 7200)
        for arguments in [
            ["sweep"], ["sweep", "--dry-run"], ["sweep", "--all", "--dry-run"], ["sweep", "--json"],
            ["list"], ["list", "--json"],
        ] {
            let result = try await scenario.run(arguments + ["--now", now])
            #expect(result.code == 64, "\(arguments) --now '\(now)': \(result.stderr)")
            #expect(result.stderr.contains("--now"), "\(arguments) --now '\(now)': \(result.stderr)")
            #expect(result.stdout.isEmpty, "\(arguments) --now '\(now)': \(result.stdout)")
        }
        #expect(scenario.standIn.requestCount == 0)
        #expect(try await scenario.hosts("open") == ["web-1"])
        // A good --now in the past sends as usual.
        let good = try await scenario.run(["sweep", "--now", String(nowSeconds() - 60)])
        #expect(good.code == 0, "\(good.stderr)")
    }

    @Test func aSecondSweepFindsTheWorkTakenAndExits75() async throws {
        let scenario = try Scenario()
        try await scenario.record(host: "web-1", at: nowSeconds() - 7200)
        let ledger = try SQLiteLedger(path: scenario.ledger)
        let claim = try #require(try ledger.claimSweep())
        let result = try await scenario.run(["sweep"])
        #expect(result.code == 75)
        #expect(result.stderr.contains("another sweep"))
        #expect(scenario.standIn.requestCount == 0)
        claim.release()
        #expect(try await scenario.run(["sweep"]).code == 0)
        #expect(scenario.standIn.received.count == 1)
    }

    @Test func anAlertKeptBeforeAnyRuleIsReadShowsRuleDash() async throws {
        let scenario = try Scenario(
            config: "rules:\n  - name: web\n    match: { host: \"web-*\" }\n    stale_after: 1h\n")
        let old = nowSeconds() - 7200
        try await scenario.record(host: "web-1", at: old)
        try await scenario.record(host: "unreadable", at: old)
        // An alert whose last event still waits in the relay's outbox.
        do {
            let ledger = try SQLiteLedger(path: scenario.ledger)
            let alert = try Alert.validate(
                try JSONParser.parse(
                    #"{"app_key":"\#(Scenario.appKey)","status":"critical","host":"waiting","check":"cpu"}"#),
                defaultAppKey: nil)
            try ledger.record([IncomingEvent(alert: alert, receivedAt: old, forward: "{}")], recordedAt: old)
        }
        _ = try await RelayBehaviourTests.sql(
            scenario,
            "UPDATE events SET payload = '{not json' WHERE alert_id = (SELECT id FROM alerts WHERE display = 'host=unreadable check=cpu')"
        )

        let sweep = try await scenario.run(["sweep", "--dry-run", "--json"])
        #expect(sweep.code == 0, "\(sweep.stderr)")
        let object = try #require(try JSONSerialization.jsonObject(with: Data(sweep.stdout.utf8)) as? [String: Any])
        let actions = try #require(object["actions"] as? [[String: Any]])
        let rules = Dictionary(
            uniqueKeysWithValues: actions.map { ($0["identity"] as? String ?? "", $0["rule"] as? String ?? "?") })
        #expect(
            rules == ["host=web-1 check=cpu": "web", "host=unreadable check=cpu": "-", "host=waiting check=cpu": "-"])
        #expect(
            sweep.stdout.contains(
                #""identity":"host=waiting check=cpu","app_key":"\#(Scenario.appKey)","action":"kept","rule":"-""#))

        let list = try await scenario.list()
        let listed = Dictionary(
            uniqueKeysWithValues: list.map { ($0["identity"] as? String ?? "", $0["rule"] as? String ?? "?") })
        #expect(listed["host=unreadable check=cpu"] == "-", "list --json shows no rule as -")
        #expect(listed["host=web-1 check=cpu"] == "web")
        let text = try await scenario.run(["list"])
        #expect(text.code == 0, "\(text.stderr)")
        let row = text.stdout.split(separator: "\n").first { $0.contains("host=unreadable") }
        #expect(row?.split(separator: " ").contains("-") == true, "list shows no rule as -: \(text.stdout)")
        let check = try await scenario.run(["check"])
        #expect(check.code == 0, "\(check.stdout)\(check.stderr)")
        let checked = check.stdout.split(separator: "\n").first { $0.contains("host=unreadable") }
        #expect(checked?.split(separator: " ").contains("-") == true, "check shows no rule as -: \(check.stdout)")
    }

    @Test func aBadConfigNamesKeyAndLineWithExit78() async throws {
        let scenario = try Scenario()
        try scenario.writeConfig(
            "stale_after: 1h\nrules:\n  - name: x\n    match: { check: \"a*\" }\n    stale_after: 0s\n")
        let result = try await scenario.run(["sweep"])
        #expect(result.code == 78)
        #expect(result.stderr.contains("config.yaml:5: rules[0].stale_after"))
        let list = try await scenario.run(["list"])
        #expect(list.code == 78)
    }
}

@Suite(.timingSensitive) struct SweepPacingEndToEndTests {
    @Test func requestsPerSecondFromTheConfigPacesTheBinary() async throws {
        let scenario = try Scenario()
        try scenario.writeConfig("bigpanda:\n  requests_per_second: 2\n  batch_size: 1\n  deadline: 30s\n")
        let base = nowSeconds() - 5 * 3600
        for index in 0..<6 { try await scenario.record(host: "paced-\(index)", at: base) }
        let result = try await scenario.run(["sweep", "--force"])
        #expect(result.code == 0, "\(result.stderr)")
        let times = scenario.standIn.requestTimes
        #expect(times.count == 6, "one alert per request")
        // At 2 a second, requests start 0.505 s apart, so a third one never starts within a second of the
        // first. Arrival times at the stand-in carry the machine's scheduling jitter, hence the slack;
        // unpaced, all six arrive within milliseconds.
        for (index, time) in times.enumerated() where index + 2 < times.count {
            #expect(times[index + 2] - time >= 0.7, "three requests within \(times[index + 2] - time) s")
        }
        if let first = times.first, let last = times.last { #expect(last - first >= 2.0) }
    }
}
