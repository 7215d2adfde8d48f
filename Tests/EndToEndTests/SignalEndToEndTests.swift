import AlertsStandIn
import Foundation
import Synchronization
import TestSupport
import Testing

/// README "Safety", Signals: on SIGTERM or SIGINT a sweep stops starting new requests, records what was in
/// flight and exits 1; a second signal kills it. BigPanda holds the run's first request (which goes alone)
/// until the test lets it answer, so the signal lands while exactly one request is on the wire, whatever
/// the machine's load; the test waits for the handler to have run (it restores the default action, which
/// `/proc/PID/status` shows) rather than for a while.
@Suite(.timingSensitive) struct SignalEndToEndTests {
    /// Holds the first request BigPanda receives until `open()` (or a minute).
    final class Gate: Sendable {
        private let opened = Atomic<Bool>(false)

        func open() { opened.store(true, ordering: .relaxed) }

        func hold(_ number: Int) {
            guard number == 1 else { return }
            for _ in 0..<12_000 where !opened.load(ordering: .relaxed) { usleep(5_000) }
        }
    }

    /// Five stale alerts, sent one a request; BigPanda holds the first request at the gate.
    static func scenario(_ gate: Gate) async throws -> Scenario {
        let scenario = try Scenario(script: { number, _ in
            gate.hold(number)
            return nil
        })
        // The held request must not time out first: the test, not libcurl, ends the wait.
        try scenario.writeConfig(
            "bigpanda:\n  requests_per_second: 0\n  batch_size: 1\n  timeout: 90s\n  deadline: 90s\n")
        try await scenario.importOpenAlerts(count: 5, prefix: "sig")
        return scenario
    }

    /// Whether process `pid` still has a handler for `signal` (its `SigCgt` mask in `/proc`).
    static func catches(_ signal: Int32, pid: Int32) -> Bool? {
        guard let status = try? String(contentsOfFile: "/proc/\(pid)/status", encoding: .utf8),
            let line = status.split(separator: "\n").first(where: { $0.hasPrefix("SigCgt:") }),
            let mask = UInt64(line.dropFirst("SigCgt:".count).trimmingCharacters(in: .whitespaces), radix: 16)
        else { return nil }
        return mask & (1 << UInt64(signal - 1)) != 0
    }

    /// Sends `signal` and waits until the sweep's handler has run (it then no longer catches the signal).
    static func signalAndWaitForTheHandler(_ signal: Int32, _ sweep: Spawned) async throws {
        #expect(catches(signal, pid: sweep.pid) == true, "the sweep handles signal \(signal)")
        kill(sweep.pid, signal)
        let handled = try await eventually(30, every: .milliseconds(5)) {
            catches(signal, pid: sweep.pid) != true
        }
        try #require(handled, "the sweep's handler for signal \(signal) did not run: \(sweep.stderr)")
    }

    @Test(arguments: [SIGINT, SIGTERM])
    func aSignalStopsTheSweepAfterTheRequestOnTheWire(signal: Int32) async throws {
        let gate = Gate()
        defer { gate.open() }
        let scenario = try await Self.scenario(gate)
        let sweep = try Spawned(arguments: ["sweep"], environment: scenario.environment, directory: scenario.directory)
        try await scenario.waitForFirstRequest(of: sweep)
        try await Self.signalAndWaitForTheHandler(signal, sweep)
        gate.open()
        let ended = try #require(try await sweep.wait(seconds: 30), "the stopped sweep did not end")
        #expect(!ended.signalled, "one signal stops the sweep cleanly: \(sweep.stderr)")
        #expect(ended.status == 1, "\(sweep.stderr)")
        #expect(
            sweep.stderr.split(separator: "\n").map(String.init) == [
                "logzio-resolver: not sent: the sweep was stopped by a signal",
                "logzio-resolver: 4 ok events were not delivered; the alerts stay open for the next run",
            ], "\(sweep.stderr)")
        #expect(sweep.stdout.isEmpty)
        #expect(scenario.standIn.requestCount == 1, "no request started after the signal")
        #expect(scenario.standIn.received.count == 1, "the request on the wire got its answer")
        #expect(try await scenario.hosts("resolved").count == 1, "and was recorded")
        let next = try await scenario.run(["sweep"])
        #expect(next.code == 0, "\(next.stderr)")
        #expect(try await scenario.hosts("open").isEmpty)
    }

    /// A second signal of either kind kills: Ctrl-C and then a service manager's SIGTERM (or the reverse) too.
    /// Until 2026-12-07 the handler restored the default action of the signal it caught only, so a SIGTERM
    /// after a SIGINT was caught again and the sweep went on waiting for the request on the wire.
    @Test(arguments: [(SIGINT, SIGINT), (SIGTERM, SIGTERM), (SIGINT, SIGTERM), (SIGTERM, SIGINT)])
    func aSecondSignalKillsAtOnce(first: Int32, second: Int32) async throws {
        let gate = Gate()
        defer { gate.open() }
        let scenario = try await Self.scenario(gate)
        let sweep = try Spawned(arguments: ["sweep"], environment: scenario.environment, directory: scenario.directory)
        try await scenario.waitForFirstRequest(of: sweep)
        try await Self.signalAndWaitForTheHandler(first, sweep)
        #expect(Self.catches(second, pid: sweep.pid) == false, "the first signal uninstalled both handlers")
        kill(sweep.pid, second)
        // The request is still held: only a kill can end the sweep now.
        let ended = try #require(try await sweep.wait(seconds: 30), "the second signal did not end the sweep")
        #expect(ended.signalled && ended.status == second, "killed by signal \(second): \(ended), \(sweep.stderr)")
        #expect(scenario.standIn.received.isEmpty, "it did not wait for the request on the wire")
        gate.open()
        #expect(try await scenario.hosts("resolved").isEmpty, "nothing unconfirmed is recorded")
        #expect(try await Tool.integrityCheck(scenario.ledger) == "ok")
    }
}
