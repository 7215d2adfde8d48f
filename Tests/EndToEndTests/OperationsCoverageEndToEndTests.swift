import Alerts
import AlertsStandIn
import Foundation
import TestSupport
import Testing

/// Operations SPEC.md promises that no other test pins down: read-only `check`, commands that need no token,
/// retention from the config, `sweep --all` over `never`, batches per app key, the audit rows and the wall
/// clock in the metrics.
@Suite(.timingSensitive) struct OperationsCoverageEndToEndTests {
    /// Size, modification time (to the nanosecond) and content of a file, or nil when it does not exist.
    struct FileState: Equatable, CustomStringConvertible {
        var size: Int
        var modified: timespec
        var bytes: Data

        init?(_ path: String) {
            var info = stat()
            guard stat(path, &info) == 0, let bytes = FileManager.default.contents(atPath: path) else { return nil }
            size = Int(info.st_size)
            modified = info.st_mtim
            self.bytes = bytes
        }

        var description: String { "\(size) bytes, modified \(modified.tv_sec).\(modified.tv_nsec)" }

        static func == (lhs: FileState, rhs: FileState) -> Bool {
            lhs.size == rhs.size && lhs.modified.tv_sec == rhs.modified.tv_sec
                && lhs.modified.tv_nsec == rhs.modified.tv_nsec && lhs.bytes == rhs.bytes
        }
    }

    /// The ledger file and its -wal (which a writer leaves behind) keep their bytes and modification time.
    /// The -shm is SQLite's shared-memory index, which readers write too; it is not checked.
    @Test func checkOpensTheLedgerReadOnly() async throws {
        let scenario = try Scenario()
        try await scenario.record(host: "web-1", at: nowSeconds() - 600)
        try await scenario.record(host: "web-2", at: nowSeconds() - 7200)
        let before = try #require(FileState(scenario.ledger))
        let walBefore = try #require(FileState(scenario.ledger + "-wal"), "record leaves its -wal")
        // The mtime has a coarse tick on some file systems; a write within it would not show without this.
        try await Task.sleep(for: .milliseconds(20))

        let result = try await scenario.run(["check"])
        #expect(result.code == 0, "\(result.stderr)")
        #expect(result.stdout.contains("open alerts: 2"), "\(result.stdout)")
        #expect(FileState(scenario.ledger) == before, "check changed the ledger file")
        #expect(FileState(scenario.ledger + "-wal") == walBefore, "check changed the -wal file")
    }

    /// A ledger checkpointed and closed by its last writer has no -wal; `check` must not create one.
    @Test func checkCreatesNoWALFileWhenThereIsNone() async throws {
        let scenario = try Scenario()
        try await scenario.record(host: "web-1", at: nowSeconds() - 600)
        // The sqlite3 CLI checkpoints and, as the last connection, removes the -wal and -shm when it closes.
        _ = try await Tool.query(scenario.ledger, "PRAGMA wal_checkpoint(TRUNCATE)")
        try #require(!FileManager.default.fileExists(atPath: scenario.ledger + "-wal"))
        let before = try #require(FileState(scenario.ledger))
        try await Task.sleep(for: .milliseconds(20))

        let result = try await scenario.run(["check"])
        #expect(result.code == 0, "\(result.stderr)")
        #expect(result.stdout.contains("open alerts: 1"), "\(result.stdout)")
        #expect(FileState(scenario.ledger) == before, "check changed the ledger file")
        #expect(!FileManager.default.fileExists(atPath: scenario.ledger + "-wal"), "check left a -wal behind")
        #expect(!FileManager.default.fileExists(atPath: scenario.ledger + "-shm"), "check left a -shm behind")
        let listed = try await scenario.run(["list", "--json"])
        #expect(listed.code == 0, "\(listed.stderr)")
        #expect(FileState(scenario.ledger) == before, "list changed the ledger file")
        #expect(!FileManager.default.fileExists(atPath: scenario.ledger + "-wal"), "list left a -wal behind")
        #expect(!FileManager.default.fileExists(atPath: scenario.ledger + "-shm"), "list left a -shm behind")
    }

    @Test func listRecordAndImportNeedNoToken() async throws {
        let scenario = try Scenario()
        let noToken: [String: String?] = ["BIGPANDA_TOKEN": nil, "BIGPANDA_TOKEN_FILE": nil]
        let alert = #"{"app_key":"e2e-app-key","status":"critical","host":"recorded"}"#
        let recorded = try await scenario.run(["record"], stdin: alert, environment: noToken)
        #expect(recorded.code == 0, "\(recorded.stderr)")
        #expect(recorded.stdout.isEmpty && recorded.stderr.isEmpty)
        let line = #"{"app_key":"e2e-app-key","status":"critical","host":"imported"}"#
        let imported = try await scenario.run(["import", "-"], stdin: line + "\n", environment: noToken)
        #expect(imported.code == 0, "\(imported.stderr)")
        #expect(imported.stdout.isEmpty && imported.stderr.isEmpty)
        let listed = try await scenario.run(["list", "--json"], environment: noToken)
        #expect(listed.code == 0, "\(listed.stderr)")
        #expect(listed.stdout.contains(#""host":"recorded""#) && listed.stdout.contains(#""host":"imported""#))
        let table = try await scenario.run(["list"], environment: noToken)
        #expect(table.code == 0, "\(table.stderr)")
        #expect(table.stdout.contains("host=imported"))
        // A sending sweep in the same environment does need one: the environment really has none.
        #expect(try await scenario.run(["sweep"], environment: noToken).code == 78)
    }

    @Test func retentionInTheConfigDrivesPruneAndASendingSweep() async throws {
        let scenario = try Scenario(config: "retention: 30d\n")
        let longAgo = nowSeconds() - 40 * 86400
        // Resolved 40 days ago, with two events, one of which is older than the retention and not the last.
        try await scenario.record(host: "fixed", at: longAgo)
        try await scenario.record(host: "fixed", status: "ok", at: longAgo + 60)
        let events = { try await Tool.query(scenario.ledger, "SELECT count(*) FROM events") }
        #expect(try await events() == "2")

        // A dry run does not prune.
        #expect(try await scenario.run(["sweep", "--dry-run"]).code == 0)
        #expect(try await events() == "2")

        // A sending sweep prunes by retention: the old, non-last event goes; the alert and its last event stay.
        let sweep = try await scenario.run(["sweep"])
        #expect(sweep.code == 0, "\(sweep.stderr)")
        #expect(try await events() == "1")
        #expect(try await scenario.hosts("resolved") == ["fixed"])

        // `prune` without --older-than takes retention: from the config too.
        try await scenario.record(host: "again", at: longAgo)
        try await scenario.record(host: "again", status: "ok", at: longAgo + 60)
        let preview = try await scenario.run(["prune", "--dry-run"])
        #expect(preview.code == 0, "\(preview.stderr)")
        #expect(preview.stdout.contains("would delete 1 event"), "\(preview.stdout)")
        let pruned = try await scenario.run(["prune"])
        #expect(pruned.code == 0, "\(pruned.stderr)")
        #expect(pruned.stdout.contains("deleted 1 event"), "\(pruned.stdout)")
        #expect(try await events() == "2")
    }

    @Test func sweepAllClosesAlertsUnderANeverRule() async throws {
        let scenario = try Scenario(
            config: "rules:\n  - name: by-hand\n    match: { check: \"Disk*\" }\n    stale_after: never\n")
        try await scenario.record(host: "db-1", check: "Disk full", at: nowSeconds() - 90 * 86400)
        let plain = try await scenario.run(["sweep"])
        #expect(plain.code == 0, "\(plain.stderr)")
        #expect(scenario.standIn.requestCount == 0, "a plain sweep keeps a never alert")
        let all = try await scenario.run(["sweep", "--all", "--yes", "--json"])
        #expect(all.code == 0, "\(all.stderr)")
        let report = try jsonObject(all.stdout)
        let actions = try #require(report["actions"] as? [[String: Any]])
        #expect(actions.count == 1)
        #expect(actions.first?["action"] as? String == "resolved")
        #expect(actions.first?["rule"] as? String == "by-hand")
        #expect(scenario.standIn.received.map { $0.alert["host"]?.stringValue } == ["db-1"])
        #expect(try await scenario.hosts("resolved") == ["db-1"])
    }

    @Test func severalAppKeysGoInOneBatchPerAppKey() async throws {
        let scenario = try Scenario()
        for index in 0..<3 {
            try await scenario.record(host: "mine-\(index)", at: nowSeconds() - 7200)
            let other = #"{"app_key":"other-app","status":"critical","host":"theirs-\#(index)"}"#
            let recorded = try await scenario.run(["record", "--at", String(nowSeconds() - 7200)], stdin: other)
            #expect(recorded.code == 0, "\(recorded.stderr)")
        }
        try await scenario.record(host: "mine-3", at: nowSeconds() - 7200)
        let result = try await scenario.run(["sweep"])
        #expect(result.code == 0, "\(result.stderr)")
        let received = scenario.standIn.received
        #expect(received.count == 7)
        #expect(scenario.standIn.requestCount == 2, "one request per app key (batch_size 100)")
        let requestsByKey = Dictionary(grouping: received, by: \.appKey).mapValues { Set($0.map(\.request)) }
        #expect(requestsByKey[Scenario.appKey]?.count == 1, "\(requestsByKey)")
        #expect(requestsByKey["other-app"]?.count == 1, "\(requestsByKey)")
        #expect(requestsByKey[Scenario.appKey] != requestsByKey["other-app"])
        #expect(received.filter { $0.appKey == "other-app" }.count == 3)
        // Each alert went under its own app key.
        #expect(
            received.allSatisfy {
                ($0.alert["host"]?.stringValue ?? "").hasPrefix("mine") == ($0.appKey == Scenario.appKey)
            })
    }

    @Test func eachOkLeavesAnAuditRowInTheLedger() async throws {
        let scenario = try Scenario(
            config: "rules:\n  - name: web\n    match: { host: \"web-*\" }\n    stale_after: 30m\n",
            script: { number, _ in number == 1 ? .json(503, #"{"error":"busy"}"#) : nil })
        let before = nowSeconds()
        try await scenario.record(host: "web-1", at: before - 3600, extra: #","timestamp":\#(before + 500)"#)
        let result = try await scenario.run(["sweep", "--json"])
        #expect(result.code == 0, "\(result.stderr)")
        let after = nowSeconds()
        let row = try await Tool.query(
            scenario.ledger,
            "SELECT sent_at, timestamp, rule, reason, http_status, attempts, outcome FROM resolutions")
        let columns = row.split(separator: "|", omittingEmptySubsequences: false).map(String.init)
        try #require(columns.count == 7, "one row of 7 columns: \(row)")
        let sentAt = try #require(Int64(columns[0]))
        #expect(sentAt >= before && sentAt <= after, "sent_at \(sentAt) is the wall clock of sending")
        let sent = try #require(scenario.standIn.received.first?.alert)
        #expect(Int64(columns[1]) == sent["timestamp"]?.integerValue, "the timestamp of the ok BigPanda received")
        #expect(columns[1] == String(before + 501))
        #expect(columns[2] == "web")
        #expect(columns[3] == sent["resolve_reason"]?.stringValue, "the reason sent")
        #expect(columns[3].contains("stale after 30m"), "\(columns[3])")
        #expect(columns[4] == "201")
        #expect(columns[5] == "2", "a 503, then the 201")
        #expect(columns[6] == "resolved")
        let action = try #require((try jsonObject(result.stdout)["actions"] as? [[String: Any]])?.first)
        #expect(action["attempts"] as? Int == 2)
        #expect(action["http_status"] as? Int == 201)
    }

    @Test func metricGaugesUseTheWallClockNotNow() async throws {
        let scenario = try Scenario(
            config: "rules:\n  - name: by-hand\n    match: { check: \"Disk*\" }\n    stale_after: never\n")
        let received = nowSeconds() - 30 * 86400
        try await scenario.record(host: "db-1", check: "Disk full", at: received)
        let metrics = scenario.directory + "/metrics.prom"
        // A sending sweep a day in the past, and a dry run ten days in the future.
        for now in [nowSeconds() - 86400, nowSeconds() + 10 * 86400] {
            var arguments = ["sweep", "--now", String(now), "--metrics-file", metrics]
            if now > nowSeconds() { arguments.append("--dry-run") }
            let result = try await scenario.run(arguments)
            #expect(result.code == 0, "\(result.stderr)")
            let wall = Double(nowSeconds())
            let samples = try parsePrometheus(try String(contentsOfFile: metrics, encoding: .utf8))
            let lastRun = try #require(samples["logzio_resolver_last_run_timestamp_seconds"])
            #expect(abs(lastRun - wall) < 60, "--now \(now): last run \(lastRun), wall clock \(wall)")
            let age = try #require(samples["logzio_resolver_oldest_open_alert_age_seconds"])
            #expect(abs(age - (wall - Double(received))) < 60, "--now \(now): oldest open alert age \(age)")
            if !arguments.contains("--dry-run") {
                let success = try #require(samples["logzio_resolver_last_success_timestamp_seconds"])
                #expect(abs(success - wall) < 60, "--now \(now): last success \(success)")
            }
        }
    }
}
