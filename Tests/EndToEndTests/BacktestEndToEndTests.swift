import CSQLite
import Foundation
import TestSupport
import Testing

@Suite(.timingSensitive) struct BacktestEndToEndTests {
    static let rules = """
        stale_after: 1h
        rules:
          - name: payments
            match: { check: "pay*" }
            stale_after: 3h

        """

    /// A history whose figures are known whatever the wall clock: every gap is far from the 5m grid's edges.
    func scenarioWithHistory() async throws -> (Scenario, Int64) {
        let scenario = try Scenario(config: Self.rules)
        let now = nowSeconds()
        let day: Int64 = 86_400
        func line(_ host: String, _ check: String, _ at: Int64, status: String = "critical") -> String {
            #"{"alert":{"app_key":"\#(Scenario.appKey)","status":"\#(status)","host":"\#(host)","check":"\#(check)"},"received_at":\#(at)}"#
        }
        let lines = [
            // Default 1h: re-notified after 2h (a premature resolve), then silent (a resolve).
            line("a", "cpu", now - 20 * day), line("a", "cpu", now - 20 * day + 7200),
            // payments 3h: 2h gap (nothing), then a resolve, then notified an hour ago (open at the end).
            line("b", "payX", now - 10 * day), line("b", "payX", now - 10 * day + 7200), line("b", "payX", now - 3600),
            // Before the last 30d: not replayed.
            line("c", "cpu", now - 40 * day),
        ]
        let file = scenario.directory + "/history.jsonl"
        try lines.joined(separator: "\n").write(toFile: file, atomically: true, encoding: .utf8)
        let imported = try await scenario.run(["import", file])
        #expect(imported.code == 0, "\(imported.stderr)")
        return (scenario, now)
    }

    @Test func jsonHasTheFieldsSpecLists() async throws {
        let (scenario, _) = try await scenarioWithHistory()
        let result = try await scenario.run(["backtest", "--json"])
        #expect(result.code == 0, "\(result.stderr)")
        let object = try jsonObject(result.stdout)
        #expect(object["since"] as? Int == 30 * 86_400)
        #expect(object["interval"] as? Int == 300)
        let rules = try #require(object["rules"] as? [[String: Any]])
        #expect(rules.map { $0["rule"] as? String } == ["payments", "default"])
        for element in rules + [try #require(object["total"] as? [String: Any])] {
            for key in [
                "rule", "alerts", "resolves", "premature", "premature_percent", "silence_median_seconds",
                "silence_p90_seconds", "open_at_end",
            ] {
                #expect(element[key] != nil, "\(key) missing")
            }
        }
        let total = try #require(object["total"] as? [String: Any])
        #expect(total["rule"] as? String == "total")
        #expect(total["alerts"] as? Int == 2)
        #expect(total["resolves"] as? Int == 3)
        #expect(total["premature"] as? Int == 1)
        #expect(total["premature_percent"] as? Double == 33.3)
        #expect(total["open_at_end"] as? Int == 1)
        let payments = try #require(rules.first)
        #expect(payments["silence_median_seconds"] as? Int ?? 0 >= 10_800)
        let suggestions = try #require(object["suggestions"] as? [[String: Any]])
        #expect(suggestions.map { $0["rule"] as? String } == ["payments", "default"])
        #expect(suggestions.map { $0["stale_after"] as? String } == ["2h", "2h"])
    }

    @Test func theConfigItNamesIsTheOneInEffect() async throws {
        let (scenario, _) = try await scenarioWithHistory()
        let named = try await scenario.run(["backtest", "--json"])
        #expect(try jsonObject(named.stdout)["config"] as? String == scenario.configPath)
        // An empty LOGZIO_RESOLVER_CONFIG (as `env VAR=` leaves it) is no config file, as every command reads it.
        let none = try await scenario.run(["backtest", "--json"], environment: ["LOGZIO_RESOLVER_CONFIG": ""])
        #expect(none.code == 0, "\(none.stderr)")
        #expect(try jsonObject(none.stdout)["config"] is NSNull, "\(none.stdout)")
        let text = try await scenario.run(["backtest"], environment: ["LOGZIO_RESOLVER_CONFIG": ""])
        #expect(text.stdout.contains("# Paste into the config file; rules keep their order"), "\(text.stdout)")
    }

    @Test func humanOutputHasATableSuggestionsAndYAML() async throws {
        let (scenario, _) = try await scenarioWithHistory()
        let result = try await scenario.run(["backtest"])
        #expect(result.code == 0, "\(result.stderr)")
        #expect(result.stdout.contains("RULE"))
        #expect(result.stdout.contains("1 (33.3%)"))
        #expect(result.stdout.contains("default: 2h (now 1h)"))
        #expect(result.stdout.contains("stale_after: 2h  # was 1h\nrules:\n  - name: \"payments\"\n"))
        #expect(result.stdout.contains("    match: {\"check\": \"pay*\"}\n    stale_after: 2h  # was 3h\n"))
    }

    @Test func compareShowsBothConfigs() async throws {
        let (scenario, _) = try await scenarioWithHistory()
        let old = scenario.directory + "/old.yaml"
        try "stale_after: 30m\n".write(toFile: old, atomically: true, encoding: .utf8)
        let json = try await scenario.run(["backtest", "--compare", old, "--json"])
        #expect(json.code == 0, "\(json.stderr)")
        let object = try jsonObject(json.stdout)
        let current = try #require(object["current"] as? [String: Any])
        let compared = try #require(object["compared"] as? [String: Any])
        #expect((current["rules"] as? [[String: Any]])?.count == 2)
        #expect((compared["rules"] as? [[String: Any]])?.map { $0["rule"] as? String } == ["default"])
        #expect((compared["total"] as? [String: Any])?["resolves"] as? Int == 5)
        #expect(compared["suggestions"] != nil && compared["since"] as? Int == 30 * 86_400)
        let text = try await scenario.run(["backtest", "--compare", old])
        #expect(text.code == 0)
        #expect(text.stdout.contains("CONFIG"))
        #expect(text.stdout.contains("compared"))
        #expect(text.stdout.contains("(no such rule)"))
    }

    @Test func noHistoryExitsZeroAndSaysSo() async throws {
        let scenario = try Scenario(config: Self.rules)
        // No ledger file at all.
        let missing = try await scenario.run(["backtest"])
        #expect(missing.code == 0, "\(missing.stderr)")
        #expect(missing.stdout.contains("no events in the last 30d"))
        let missingJSON = try await scenario.run(["backtest", "--json"])
        #expect(missingJSON.code == 0)
        #expect((try jsonObject(missingJSON.stdout)["total"] as? [String: Any])?["alerts"] as? Int == 0)
        #expect(!FileManager.default.fileExists(atPath: scenario.ledger))
        // Events, but none in the last day.
        try await scenario.record(host: "old", at: nowSeconds() - 3 * 86_400)
        let old = try await scenario.run(["backtest", "--since", "1d"])
        #expect(old.code == 0, "\(old.stderr)")
        #expect(old.stdout.contains("no events in the last 1d"))
    }

    @Test(arguments: ["--since", "--interval", "--refire-window"])
    func aBadDurationIsUsageNamingTheFlag(flag: String) async throws {
        let scenario = try Scenario(config: Self.rules)
        let result = try await scenario.run(["backtest", flag, "5"])
        #expect(result.code == 64)
        #expect(result.stderr.contains(flag))
    }

    @Test func aCompareConfigThatCannotBeReadIsAConfigError() async throws {
        let scenario = try Scenario(config: Self.rules)
        let result = try await scenario.run(["backtest", "--compare", scenario.directory + "/missing.yaml"])
        #expect(result.code == 78)
        #expect(result.stderr.contains("--compare"))
        #expect(result.stderr.contains("missing.yaml"))
    }

    /// Checkpoints the WAL into the main file and closes, so SQLite removes the `-wal` and `-shm` files.
    func checkpoint(_ path: String) throws {
        var db: OpaquePointer?
        try #require(sqlite3_open_v2(path, &db, SQLITE_OPEN_READWRITE, nil) == SQLITE_OK)
        #expect(sqlite3_exec(db, "PRAGMA wal_checkpoint(TRUNCATE)", nil, nil, nil) == SQLITE_OK)
        sqlite3_close(db)
    }

    @Test(arguments: [false, true])
    func theLedgerIsLeftUntouched(checkpointed: Bool) async throws {
        let (scenario, _) = try await scenarioWithHistory()
        if checkpointed {
            try checkpoint(scenario.ledger)
            #expect(!FileManager.default.fileExists(atPath: scenario.ledger + "-wal"))
        }
        let manager = FileManager.default
        let sidecars = ["-wal", "-shm", "-journal"].map { scenario.ledger + $0 }
        let before = sidecars.map { manager.fileExists(atPath: $0) }
        let bytes = try Data(contentsOf: URL(fileURLWithPath: scenario.ledger))
        let modified = try manager.attributesOfItem(atPath: scenario.ledger)[.modificationDate] as? Date
        let result = try await scenario.run(["backtest", "--json"])
        #expect(result.code == 0, "\(result.stderr)")
        #expect(try Data(contentsOf: URL(fileURLWithPath: scenario.ledger)) == bytes)
        #expect(try manager.attributesOfItem(atPath: scenario.ledger)[.modificationDate] as? Date == modified)
        #expect(sidecars.map { manager.fileExists(atPath: $0) } == before)
        // Read as an immutable file or not, the figures are the same.
        #expect((try jsonObject(result.stdout)["total"] as? [String: Any])?["resolves"] as? Int == 3)
    }
}
