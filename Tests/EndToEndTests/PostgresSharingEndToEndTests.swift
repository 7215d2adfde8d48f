import Alerts
import AlertsStandIn
import Foundation
import TestSupport
import Testing

/// Sweeps sharing one PostgreSQL ledger, through the binary: the session advisory lock lets one sweep
/// send, and dies with a killed sweep's connection.
@Suite(.serialized, .timingSensitive) struct PostgresSharingEndToEndTests {
    /// A slow BigPanda (each request waits `delay` microseconds), ten alerts per request, no safety hold.
    func makeScenario(delay: UInt32) throws -> Scenario {
        let scenario = try Scenario(script: { _, _ in
            usleep(delay)
            return nil
        })
        try scenario.writeConfig(
            "bigpanda:\n  requests_per_second: 0\n  batch_size: 10\n  deadline: 60s\n"
                + "max_resolves_per_run: 100000\nmax_resolve_fraction: 1\n")
        return scenario
    }

    /// Imports `count` open alerts received two hours ago (`host` = `prefix-N`) into `ledger`.
    func importStale(_ scenario: Scenario, ledger: String, count: Int, prefix: String) async throws -> Set<String> {
        let receivedAt = nowSeconds() - 7200
        let hosts = (0..<count).map { "\(prefix)-\($0)" }
        let text = hosts.map { host in
            #"{"alert":{"app_key":"\#(Scenario.appKey)","status":"critical","host":"\#(host)","check":"cpu"},"received_at":\#(receivedAt)}"#
        }.joined(separator: "\n")
        let file = scenario.directory + "/import-\(prefix).jsonl"
        try text.write(toFile: file, atomically: true, encoding: .utf8)
        let result = try await scenario.run(["import", file], environment: ["LOGZIO_RESOLVER_LEDGER": ledger])
        #expect(result.code == 0, "import failed: \(result.stderr)")
        return Set(hosts)
    }

    /// The hosts of the ledger's open alerts.
    func openHosts(_ scenario: Scenario, ledger: String) async throws -> [String] {
        let result = try await scenario.run(["list", "--json"], environment: ["LOGZIO_RESOLVER_LEDGER": ledger])
        #expect(result.code == 0, "\(result.stderr)")
        let parsed = try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [[String: Any]] ?? []
        return parsed.compactMap { ($0["alert"] as? [String: Any])?["host"] as? String }
    }

    @Test func ofFourSweepsAtOnceOneSendsAndTheOthersExit75() async throws {
        guard let database = try PostgresTestServer.freshDatabase() else { return }
        // BigPanda holds every request until the gate opens, so the sweep that claimed the work is still
        // sending when the others start, however slowly the machine starts them.
        let gate = FailureSwitch()
        let scenario = try Scenario(script: { _, _ in
            while !gate.isOn { usleep(5_000) }
            return nil
        })
        try scenario.writeConfig(
            "bigpanda:\n  requests_per_second: 0\n  batch_size: 10\n  timeout: 90s\n  deadline: 120s\n"
                + "max_resolves_per_run: 100000\nmax_resolve_fraction: 1\n")
        let hosts = try await importStale(scenario, ledger: database, count: 200, prefix: "s")
        var environment = scenario.environment
        environment["LOGZIO_RESOLVER_LEDGER"] = database
        let sweepEnvironment = environment
        let directory = scenario.directory
        let results = try await withThrowingTaskGroup(of: RunResult.self) { group in
            for _ in 0..<4 {
                group.addTask {
                    try await Binary.run(
                        ["sweep", "--json"], stdin: "", environment: sweepEnvironment, directory: directory)
                }
            }
            // The gate opens once three sweeps have ended, or after a minute (then more than one sent).
            let opener = Task {
                try? await Task.sleep(for: .seconds(60))
                gate.isOn = true
            }
            var results: [RunResult] = []
            for try await result in group {
                results.append(result)
                if results.count == 3 { gate.isOn = true }
            }
            opener.cancel()
            return results
        }
        #expect(results.map(\.code).sorted() == [0, 75, 75, 75], "\(results.map { "\($0.code): \($0.stderr)" })")
        for result in results where result.code == 75 {
            #expect(result.stderr.contains("another sweep"), "\(result.stderr)")
        }
        let sender = try #require(results.first { $0.code == 0 })
        #expect(try jsonObject(sender.stdout)["resolved"] as? Int == hosts.count)
        let received = scenario.standIn.received.compactMap { $0.alert["host"]?.stringValue }
        #expect(received.count == hosts.count, "\(received.count - Set(received).count) oks were sent twice")
        #expect(Set(received) == hosts)
        #expect(try await openHosts(scenario, ledger: database).isEmpty)
    }

    @Test func aSweepKilledMidRunNeverHoldsUpTheNext() async throws {
        guard let database = try PostgresTestServer.freshDatabase() else { return }
        // 30 batches of 200 ms, 4 at a time: about 1.5 s, so the kill 300 ms in lands mid-run even when
        // the test task wakes late.
        let scenario = try makeScenario(delay: 200_000)
        let hosts = try await importStale(scenario, ledger: database, count: 300, prefix: "k")
        var environment = scenario.environment
        environment["LOGZIO_RESOLVER_LEDGER"] = database
        let sweep = try Spawned(
            arguments: ["sweep", "--json"], environment: environment, directory: scenario.directory)
        try await scenario.waitForFirstRequest(of: sweep)
        try await Task.sleep(for: .milliseconds(300))
        sweep.killHard()
        let ended = try #require(try await sweep.wait(seconds: 30), "the killed sweep did not end")
        #expect(ended.signalled, "the sweep ended before the kill; the test proves nothing")
        let sentBeforeKill = Set(scenario.standIn.received.compactMap { $0.alert["host"]?.stringValue })
        #expect(sentBeforeKill.count < hosts.count, "the sweep had sent everything before the kill")

        let next = try await scenario.run(["sweep", "--json"], environment: ["LOGZIO_RESOLVER_LEDGER": database])
        #expect(next.code == 0, "the next sweep was held or failed: \(next.code) \(next.stderr)")
        let received = Set(scenario.standIn.received.compactMap { $0.alert["host"]?.stringValue })
        #expect(received == hosts, "\(hosts.subtracting(received).count) alerts never got an ok")
        #expect(try await openHosts(scenario, ledger: database).isEmpty)
    }
}
