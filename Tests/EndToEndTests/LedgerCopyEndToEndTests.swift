import Alerts
import AlertsStandIn
import Foundation
import Ledger
import SQLiteLedger
import TestSupport
import Testing

/// `ledger copy` through the binary: a whole ledger moves between SQLite and PostgreSQL, and every
/// command reads the copy as it read the original.
@Suite(.timingSensitive) struct LedgerCopyEndToEndTests {
    /// A scenario whose BigPanda refuses every `ok` for host `rej` (400), one alert per request.
    func makeScenario() throws -> Scenario {
        let scenario = try Scenario(script: { _, request in
            String(decoding: request.body, as: UTF8.self).contains(#""rej""#)
                ? .json(400, #"{"status":"failure","error":"refused"}"#) : nil
        })
        try scenario.writeConfig(
            "bigpanda:\n  requests_per_second: 0\n  batch_size: 1\n  deadline: 20s\nmax_resolve_fraction: 1\n")
        return scenario
    }

    /// Fills the scenario's SQLite ledger: open, resolved (by our ok and by an ok event), rejected and
    /// adopted alerts, several events per identity, sent oks, heartbeats, counters and definitions.
    func fill(_ scenario: Scenario, now: Int64) async throws {
        try await scenario.record(host: "old-1", at: now - 6 * 3600)
        try await scenario.record(host: "old-1", at: now - 5 * 3600, extra: #","timestamp":\#(now - 5 * 3600 + 30)"#)
        try await scenario.record(host: "old-2", at: now - 5 * 3600)
        try await scenario.record(host: "rej", at: now - 5 * 3600)
        try await scenario.record(host: "gone", at: now - 9 * 3600)
        try await scenario.record(host: "gone", status: "ok", at: now - 8 * 3600)
        // Each run resolves what it can; BigPanda refuses rej's ok (400), so each exits 1, and the third
        // refusal marks it rejected.
        for run in 0..<3 {
            let swept = try await scenario.run(["sweep", "--json"])
            #expect(swept.code == 1, "sweep \(run): \(swept.stderr)")
            #expect(swept.stderr.contains("HTTP 400: refused"), "sweep \(run): \(swept.stderr)")
            let actions = actionsByIdentity(try jsonObject(swept.stdout))
            #expect(
                actions["host=rej check=cpu"]?["action"] as? String == (run < 2 ? "failed" : "rejected"),
                "sweep \(run): \(swept.stdout)")
            if run == 0 {
                #expect(actions["host=old-1 check=cpu"]?["action"] as? String == "resolved")
                #expect(actions["host=old-2 check=cpu"]?["action"] as? String == "resolved")
            }
        }
        try await scenario.record(host: "fresh", at: now - 120)
        try await scenario.record(host: "fresh", at: now - 60)
        try await scenario.record(host: "old-1", at: now - 4 * 3600)
        let ledger = try SQLiteLedger(path: scenario.ledger)
        let parts: [AlertIdentity.IdentityPart] = [
            .init(name: "host", value: "bp"), .init(name: "check", value: "cpu"),
        ]
        let payload = try #require(
            try JSONParser.parse(#"{"host":"bp","check":"cpu","status":"critical","bigpanda_alert_id":"bp-1"}"#)
                .objectValue)
        _ = try ledger.adopt(
            [
                Adoption(
                    parts: parts, payload: payload, status: .critical, receivedAt: now - 7200, bigPandaAlertID: "bp-1")
            ],
            recordedAt: now - 7000)
        // A relay observed the feed the whole time, so silence is measured as on the wall clock.
        try ledger.heartbeat(runID: "relay-1", at: now - 10 * 3600)
        try ledger.heartbeat(runID: "relay-1", at: now)
        try ledger.storeDefinitions("[]", ids: [11, 12], fetchedAt: now - 600, account: LogzioAccountKey.topLevel)
        let states = try await scenario.list().compactMap { $0["state"] as? String }
        #expect(Set(states) == ["open", "resolved", "rejected"], "\(states)")
    }

    /// What the commands show of the ledger `ledger`: `list --json --state all` and a dry-run sweep's JSON.
    func views(_ scenario: Scenario, ledger: String, now: Int64) async throws -> [String] {
        var shown: [String] = []
        for arguments in [
            ["list", "--json", "--state", "all", "--now", String(now)],
            ["sweep", "--dry-run", "--json", "--now", String(now)],
        ] {
            let result = try await scenario.run(arguments, environment: ["LOGZIO_RESOLVER_LEDGER": ledger])
            #expect(result.code == 0, "\(arguments[0]) on \(ledger): \(result.stderr)")
            shown.append(result.stdout)
        }
        return shown
    }

    /// Runs `ledger copy` and checks its report: one line per table, the counts equal.
    func copy(_ scenario: Scenario, from: String, to: String) async throws {
        let copied = try await scenario.run(["ledger", "copy", "--from", from, "--to", to])
        #expect(copied.code == 0, "\(copied.stderr)")
        #expect(copied.stderr.isEmpty, "\(copied.stderr)")
        let lines = copied.stdout.split(separator: "\n").map(String.init)
        #expect(
            lines.map { $0.prefix { $0 != ":" } }
                == [
                    "alerts", "events", "resolutions", "counters", "heartbeats", "definitions", "definition cache",
                    "outbox",
                ])
        #expect(lines.first == "alerts: source 6, target 6", "\(copied.stdout)")
        #expect(lines.contains("heartbeats: source 1, target 1"))
        #expect(lines.contains("definitions: source 2, target 2"))
        for line in lines {
            let numbers = line.split(separator: " ").compactMap { Int($0.trimmingCharacters(in: [","])) }
            #expect(numbers.count == 2 && numbers[0] == numbers[1], "\(line)")
        }
    }

    @Test func aLedgerMovesToPostgreSQLAndBackAndReadsTheSame() async throws {
        guard let database = try PostgresTestServer.freshDatabase() else { return }
        let scenario = try makeScenario()
        let now = nowSeconds()
        try await fill(scenario, now: now)
        let original = try await views(scenario, ledger: scenario.ledger, now: now)
        #expect(original[1].contains("would_resolve"))

        try await copy(scenario, from: scenario.ledger, to: database)
        #expect(try await views(scenario, ledger: database, now: now) == original)
        let back = scenario.directory + "/back.sqlite"
        try await copy(scenario, from: database, to: back)
        #expect(try await views(scenario, ledger: back, now: now) == original)

        // A target that holds alerts is refused, named without a password, and left as it was.
        let refused = try await scenario.run(["ledger", "copy", "--from", scenario.ledger, "--to", database])
        #expect(refused.code == 64, "\(refused.stderr)")
        #expect(refused.stderr.contains("already holds alerts (6)"), "\(refused.stderr)")
        #expect(refused.stderr.contains("choose an empty ledger"), "\(refused.stderr)")
        #expect(refused.stdout.isEmpty)
        #expect(try await views(scenario, ledger: database, now: now) == original)

        // The ids' sequences came along: new alerts and events go on after the copied ones.
        let alert = #"{"app_key":"\#(Scenario.appKey)","status":"critical","host":"after-copy","check":"cpu"}"#
        let recorded = try await scenario.run(["record", "--ledger", database], stdin: alert)
        #expect(recorded.code == 0, "\(recorded.stderr)")
        let listed = try await scenario.run(["list", "--ledger", database, "--json"])
        #expect(listed.code == 0 && listed.stdout.contains("after-copy"), "\(listed.stderr)")
    }

    @Test func aLedgerMovesFromFileToFileWithoutPostgreSQL() async throws {
        let scenario = try makeScenario()
        let now = nowSeconds()
        try await fill(scenario, now: now)
        let original = try await views(scenario, ledger: scenario.ledger, now: now)
        let copy = scenario.directory + "/copy.sqlite"
        try await self.copy(scenario, from: scenario.ledger, to: copy)
        #expect(try await views(scenario, ledger: copy, now: now) == original)
        // The copy goes on as a ledger: a sending sweep on it does what one on the original does. old-1 (which
        // fired again) is resolved by an ok; bp, adopted, can only be closed by id, and there is no API key
        // here, so it fails and the run exits 1, naming the key; fresh is kept.
        var acted: [[String: String]] = []
        for ledger in [copy, scenario.ledger] {
            let swept = try await scenario.run(["sweep", "--json"], environment: ["LOGZIO_RESOLVER_LEDGER": ledger])
            #expect(swept.code == 1, "\(ledger): \(swept.stderr)")
            #expect(swept.stderr.contains("BIGPANDA_API_KEY"), "\(ledger): \(swept.stderr)")
            acted.append(actionsByIdentity(try jsonObject(swept.stdout)).mapValues { $0["action"] as? String ?? "?" })
        }
        #expect(
            acted.first == [
                "host=old-1 check=cpu": "resolved", "host=bp check=cpu": "failed", "host=fresh check=cpu": "kept",
            ], "\(acted)")
        #expect(acted.first == acted.last, "the copy and the original act alike: \(acted)")

        let refused = try await scenario.run(["ledger", "copy", "--from", scenario.ledger, "--to", copy])
        #expect(refused.code == 64, "\(refused.stderr)")
        #expect(refused.stderr.contains(copy) && refused.stderr.contains("choose an empty ledger"), "\(refused.stderr)")

        let missing = try await scenario.run([
            "ledger", "copy", "--from", scenario.directory + "/none.sqlite", "--to", scenario.directory + "/x.sqlite",
        ])
        #expect(missing.code == 64, "\(missing.stderr)")
        #expect(!FileManager.default.fileExists(atPath: scenario.directory + "/x.sqlite"))

        // A source short of this version's schema is refused until a writing command migrates it.
        _ = try await Tool.query(copy, "DELETE FROM schema_migrations WHERE name = '0005_logzio_definitions'")
        let stale = try await scenario.run(["ledger", "copy", "--from", copy, "--to", scenario.directory + "/y.sqlite"])
        #expect(stale.code == 78, "\(stale.stderr)")
        #expect(
            stale.stderr.contains("run a command that writes") && stale.stderr.contains("--from"), "\(stale.stderr)")
        #expect(!FileManager.default.fileExists(atPath: scenario.directory + "/y.sqlite"))
    }

    @Test func aPasswordInFromOrToIsRefusedWithoutRepeatingIt() async throws {
        let scenario = try Scenario()
        for (from, to) in [
            ("postgres://u:hunter2secret@127.0.0.1:1/db", scenario.directory + "/t.sqlite"),
            (scenario.ledger, "host=127.0.0.1 port=1 dbname=db password=hunter2secret"),
        ] {
            let result = try await scenario.run(["ledger", "copy", "--from", from, "--to", to])
            #expect(result.code == 64, "\(result.stderr)")
            #expect(result.stderr.contains(from == scenario.ledger ? "--to" : "--from"), "\(result.stderr)")
            #expect(!(result.stdout + result.stderr).contains("hunter2secret"))
        }
    }

    @Test func anUnreachableTargetIsExit1NamingIt() async throws {
        let scenario = try Scenario()
        try await scenario.record(host: "a", at: nowSeconds() - 60)
        let result = try await scenario.run([
            "ledger", "copy", "--from", scenario.ledger, "--to", "postgres://postgres@127.0.0.1:1/ledger",
        ])
        #expect(result.code == 1, "\(result.stderr)")
        #expect(result.stderr.contains("127.0.0.1") && result.stderr.contains("ledger"), "\(result.stderr)")
    }
}
