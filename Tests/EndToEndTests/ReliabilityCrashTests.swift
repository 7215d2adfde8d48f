import Alerts
import AlertsStandIn
import Foundation
import TestSupport
import Testing

/// Crash safety of the built binary: sweeps and relays killed with SIGKILL at random moments, and sweeps
/// started together on one ledger. `RELIABILITY_FULL=1` runs the long versions.
@Suite(.serialized, .timingSensitive) struct ReliabilityCrashTests {
    /// `sweep --all --yes` over 2,000 open alerts with a slow BigPanda, SIGKILLed at a random moment, then one
    /// clean sweep: every alert got an accepted `ok`, the ledger never claims a resolve BigPanda did not accept,
    /// and the file is sound.
    @Test func killedSweepsLoseNothingAndNeverClaimAFalseResolve() async throws {
        let iterations = Reliability.iterations(ci: 8, full: 50)
        var random = SplitMix64(seed: Reliability.seed("killed sweeps"))
        let alertCount = 2000
        let batchSize = 50
        var killedMidRun = 0
        var killedWhileSending = 0
        var duplicatesSeen = 0
        for iteration in 0..<iterations {
            // A slow BigPanda: each request waits 80 ms, then is checked and accepted as usual.
            let scenario = try Scenario(script: { _, _ in
                usleep(80_000)
                return nil
            })
            try scenario.writeConfig(
                "bigpanda:\n  requests_per_second: 0\n  batch_size: \(batchSize)\n  deadline: 30s\n")
            try await scenario.importOpenAlerts(count: alertCount, prefix: "k\(iteration)")

            let sweep = try Spawned(
                arguments: ["sweep", "--all", "--yes"], environment: scenario.environment, directory: scenario.directory
            )
            // Even iterations kill at a random moment from the start (perhaps before the first request); odd
            // ones once BigPanda has seen the first request, so most kills land while batches are on the wire.
            let afterFirstRequest = iteration % 2 == 1
            if afterFirstRequest { try await scenario.waitForFirstRequest(of: sweep) }
            let delay =
                afterFirstRequest ? Int.random(in: 0...500, using: &random) : Int.random(in: 50...800, using: &random)
            try await Task.sleep(for: .milliseconds(delay))
            sweep.killHard()
            let killedAt = monotonicSeconds()
            let ended = try #require(try await sweep.wait(seconds: 30), "the killed sweep did not end")
            if ended.signalled { killedMidRun += 1 } else { #expect(ended.status == 0, "\(sweep.stderr)") }

            // Nothing the ledger calls resolved lacks an ok that BigPanda accepted.
            let acceptedAtKill = Set(scenario.standIn.received.compactMap { $0.alert["host"]?.stringValue })
            // Sending, as BigPanda saw it: requests had arrived before the kill, and not every alert was sent.
            let requestsBeforeKill = scenario.standIn.requestTimes.filter { $0 <= killedAt }.count
            let whileSending = ended.signalled && requestsBeforeKill > 0 && acceptedAtKill.count < alertCount
            if whileSending { killedWhileSending += 1 }
            print(
                "reliability: killed sweep \(iteration): after \(delay) ms\(afterFirstRequest ? " from the first request" : ""), \(requestsBeforeKill) requests and \(acceptedAtKill.count) oks accepted before the kill\(whileSending ? " (while sending)" : "")"
            )
            let resolvedAtKill = try await scenario.hosts("resolved")
            let falseResolves = Set(resolvedAtKill).subtracting(acceptedAtKill)
            #expect(
                falseResolves.isEmpty,
                "iteration \(iteration) (kill after \(delay) ms): resolved without an accepted ok: \(falseResolves.prefix(5))"
            )
            #expect(try await Tool.integrityCheck(scenario.ledger) == "ok")

            // The next run, started right after, picks up everything.
            let clean = try await scenario.run(["sweep", "--all", "--yes"])
            #expect(clean.code == 0, "iteration \(iteration): the clean sweep failed: \(clean.stderr)")

            let received = scenario.standIn.received.compactMap { $0.alert["host"]?.stringValue }
            let accepted = Set(received)
            #expect(
                accepted.count == alertCount,
                "iteration \(iteration): \(alertCount - accepted.count) alerts never got an accepted ok")
            let resolved = try await scenario.hosts("resolved")
            #expect(resolved.count == alertCount)
            #expect(Set(resolved).isSubset(of: accepted))
            #expect(try await scenario.list("open").isEmpty)
            #expect(scenario.standIn.rejections.isEmpty, "\(scenario.standIn.rejections.prefix(3))")
            // At least once: only batches in flight at the kill (at most 4) may be sent twice.
            let duplicates = received.count - accepted.count
            duplicatesSeen += duplicates
            #expect(duplicates <= 4 * batchSize, "iteration \(iteration): \(duplicates) oks sent twice")
            #expect(try await Tool.integrityCheck(scenario.ledger) == "ok")
        }
        print(
            "reliability: killed sweeps: \(iterations) runs, \(killedMidRun) killed mid-run, \(killedWhileSending) while sending, \(duplicatesSeen) oks re-sent in all"
        )
        #expect(killedMidRun > 0, "no kill landed while a sweep was running; the test proves nothing")
        #expect(
            killedWhileSending * 2 >= iterations,
            "only \(killedWhileSending) of \(iterations) kills landed while BigPanda was receiving batches")
    }

    /// The relay under load from 8 posting clients, SIGKILLed at a random moment and restarted on the same
    /// ledger: every alert the clients saw a 202 for is in the ledger and reaches BigPanda.
    @Test func aKilledRelayKeepsAndForwardsEveryAlertItAnswered202() async throws {
        try await relayUnderLoad(signal: SIGKILL, iterations: Reliability.iterations(ci: 3, full: 20))
    }

    /// The same with SIGTERM: the relay also exits 0 in time.
    @Test func aStoppedRelayKeepsAndForwardsEveryAlertItAnswered202() async throws {
        try await relayUnderLoad(signal: SIGTERM, iterations: Reliability.iterations(ci: 2, full: 20))
    }

    func relayUnderLoad(signal: Int32, iterations: Int) async throws {
        let name = signal == SIGKILL ? "killed relay" : "stopped relay"
        var random = SplitMix64(seed: Reliability.seed(name))
        for iteration in 0..<iterations {
            // BigPanda is slow, so the outbox is mid-delivery when the relay dies.
            let scenario = try Scenario(script: { _, _ in
                usleep(20_000)
                return nil
            })
            try scenario.writeConfig("bigpanda:\n  requests_per_second: 0\n  batch_size: 20\n  timeout: 2s\n")
            let relay = try await RelayProcess.startReliably(scenario: scenario)
            let answered = Collected<String>()
            let stop = Collected<Bool>()
            let posters = Task {
                await withTaskGroup(of: Void.self) { group in
                    for poster in 0..<8 {
                        group.addTask {
                            for index in 0..<2000 where stop.values.isEmpty {
                                let host = "r\(iteration)-\(poster)-\(index)"
                                let body =
                                    #"{"app_key":"e2e-app-key","status":"critical","host":"\#(host)","check":"cpu"}"#
                                guard let (status, _) = try? await relay.post(body) else { return }
                                if status == 202 { answered.append(host) } else { return }
                            }
                        }
                    }
                }
            }
            // Kill at a random moment after the first 202 (a loaded machine may take a while to answer one).
            for _ in 0..<500 where answered.values.isEmpty {
                try await Task.sleep(for: .milliseconds(20))
            }
            try await Task.sleep(for: .milliseconds(Int.random(in: 50...800, using: &random)))
            let signalled = monotonicSeconds()
            kill(relay.process.processIdentifier, signal)
            var exited = false
            while monotonicSeconds() - signalled < 30 {
                if !relay.process.isRunning {
                    exited = true
                    break
                }
                try await Task.sleep(for: .milliseconds(20))
            }
            stop.append(true)
            await posters.value
            #expect(exited, "\(name): the relay did not exit")
            if signal == SIGTERM {
                #expect(relay.process.terminationStatus == 0, "\(relay.stderr)")
                #expect(monotonicSeconds() - signalled < 12, "SIGTERM took \(monotonicSeconds() - signalled) s")
            }
            let acknowledged = Set(answered.values)
            #expect(!acknowledged.isEmpty, "no post was answered before the signal")

            let second = try await RelayProcess.startReliably(scenario: scenario)
            let inLedger = Set(try await scenario.hosts("all"))
            let lost = acknowledged.subtracting(inLedger)
            #expect(lost.isEmpty, "\(name) \(iteration): answered 202 but not in the ledger: \(lost.prefix(5))")
            let delivered = try await eventually(60) {
                acknowledged.isSubset(of: Set(scenario.standIn.received.compactMap { $0.alert["host"]?.stringValue }))
            }
            let forwarded = Set(scenario.standIn.received.compactMap { $0.alert["host"]?.stringValue })
            #expect(
                delivered,
                "\(name) \(iteration): \(acknowledged.subtracting(forwarded).count) of \(acknowledged.count) answered alerts never reached BigPanda"
            )
            var depth = -1
            for _ in 0..<100 where depth != 0 {
                depth = (try? await second.health()["outbox_depth"] as? Int) ?? -1
                if depth != 0 { try await Task.sleep(for: .milliseconds(100)) }
            }
            #expect(
                depth == 0,
                "the outbox did not drain; the restarted relay is \(second.process.isRunning ? "running" : "gone (\(second.process.terminationStatus))"): \(second.stderr.suffix(3000))"
            )
            if !delivered {
                let missing = acknowledged.subtracting(forwarded).sorted().prefix(5)
                print(
                    "reliability: \(name) \(iteration): missing \(missing); outbox: \(try await Tool.query(scenario.ledger, "SELECT state, count(*) FROM outbox GROUP BY state"))"
                )
            }
            #expect(second.terminate() == 0)
            #expect(try await Tool.integrityCheck(scenario.ledger) == "ok")
            print(
                "reliability: \(name) iteration \(iteration): \(acknowledged.count) answered 202, all kept and forwarded"
            )
        }
    }

    /// A sweep stopped with SIGTERM records what was in flight: nothing accepted is left unrecorded, so the
    /// next sweep sends nothing twice.
    @Test func aSweepStoppedWithSIGTERMRecordsWhatWasInFlight() async throws {
        let iterations = Reliability.iterations(ci: 3, full: 20)
        var random = SplitMix64(seed: Reliability.seed("stopped sweeps"))
        var stoppedMidRun = 0
        var stoppedMidSend = 0
        let maxInFlight = 4
        for iteration in 0..<iterations {
            let scenario = try Scenario(script: { _, _ in
                usleep(80_000)
                return nil
            })
            try scenario.writeConfig("bigpanda:\n  requests_per_second: 0\n  batch_size: 50\n  deadline: 30s\n")
            try await scenario.importOpenAlerts(count: 2000, prefix: "t\(iteration)")
            let sweep = try Spawned(
                arguments: ["sweep", "--all", "--yes"], environment: scenario.environment, directory: scenario.directory
            )
            // SIGTERM 0-400 ms after BigPanda saw the first request: 40 batches of 80 ms, 4 at a time, take at
            // least 800 ms, so the signal lands while batches are on the wire.
            try await scenario.waitForFirstRequest(of: sweep)
            let delay = Int.random(in: 0...400, using: &random)
            try await Task.sleep(for: .milliseconds(delay))
            let signalledAt = monotonicSeconds()
            kill(sweep.pid, SIGTERM)
            let ended = try #require(try await sweep.wait(seconds: 30), "the stopped sweep did not end")
            #expect(!ended.signalled, "SIGTERM must end the sweep cleanly, not kill it")
            let accepted = Set(scenario.standIn.received.compactMap { $0.alert["host"]?.stringValue })
            let resolved = Set(try await scenario.hosts("resolved"))
            let times = scenario.standIn.requestTimes
            let before = times.filter { $0 <= signalledAt }.count
            let after = times.count - before
            if ended.status == 1 {
                stoppedMidRun += 1
                // Exactly its one error line naming the signal, and the count of what was not delivered.
                let lines = sweep.stderr.split(separator: "\n").map(String.init)
                #expect(
                    lines == [
                        "logzio-resolver: not sent: the sweep was stopped by a signal",
                        "logzio-resolver: \(2000 - resolved.count) ok events were not delivered; the alerts stay open for the next run",
                    ],
                    "iteration \(iteration): \(sweep.stderr)")
                #expect(sweep.stdout.isEmpty, "\(sweep.stdout)")
                // Only batches already in flight may reach BigPanda after the signal.
                #expect(after <= maxInFlight, "iteration \(iteration): \(after) requests arrived after SIGTERM")
                if before > 0, accepted.count < 2000 { stoppedMidSend += 1 }
            } else {
                #expect(ended.status == 0, "\(sweep.stderr)")
            }
            print(
                "reliability: stopped sweep \(iteration): SIGTERM \(delay) ms after the first request; exit \(ended.status); \(before) requests before it, \(after) after; \(accepted.count) oks accepted"
            )
            #expect(
                resolved == accepted,
                "iteration \(iteration): \(accepted.subtracting(resolved).count) accepted oks were not recorded, \(resolved.subtracting(accepted).count) resolved without one"
            )
            #expect(try await Tool.integrityCheck(scenario.ledger) == "ok")
            let clean = try await scenario.run(["sweep", "--all", "--yes"])
            #expect(clean.code == 0, "\(clean.stderr)")
            let received = scenario.standIn.received.compactMap { $0.alert["host"]?.stringValue }
            #expect(
                received.count == 2000 && Set(received).count == 2000,
                "iteration \(iteration): \(received.count) oks for \(Set(received).count) alerts")
        }
        print(
            "reliability: stopped sweeps: \(iterations) runs, \(stoppedMidRun) stopped mid-run, \(stoppedMidSend) mid-send"
        )
        #expect(
            stoppedMidSend * 2 > iterations,
            "only \(stoppedMidSend) of \(iterations) SIGTERMs stopped a sweep while it was sending; the test proves little"
        )
    }

    /// Four sweeps started at once on one ledger: none sends an `ok` another sent, those that find the work
    /// taken exit 75, and everything stale is resolved (after at most one more sweep).
    @Test func concurrentSweepsNeverSendTheSameOkTwice() async throws {
        let rounds = Reliability.iterations(ci: 2, full: 20)
        var busy = 0
        for round in 0..<rounds {
            let scenario = try Scenario(script: { _, _ in
                usleep(60_000)
                return nil
            })
            try scenario.writeConfig(
                "bigpanda:\n  requests_per_second: 0\n  batch_size: 20\nmax_resolves_per_run: 100000\nmax_resolve_fraction: 1\n"
            )
            try await scenario.importOpenAlerts(count: 400, prefix: "c\(round)")
            let environment = scenario.environment
            let directory = scenario.directory
            let codes = try await withThrowingTaskGroup(of: RunResult.self) { group in
                for _ in 0..<4 {
                    group.addTask {
                        try await Binary.run(["sweep"], stdin: "", environment: environment, directory: directory)
                    }
                }
                var results: [RunResult] = []
                for try await result in group { results.append(result) }
                return results
            }
            for result in codes {
                #expect(result.code == 0 || result.code == 75, "\(result.code): \(result.stderr)")
                if result.code == 75 {
                    busy += 1
                    #expect(result.stderr.contains("another sweep"), "\(result.stderr)")
                }
            }
            #expect(codes.contains { $0.code == 0 }, "one sweep must have done the work")
            let final = try await scenario.run(["sweep"])
            #expect(final.code == 0, "\(final.stderr)")
            let received = scenario.standIn.received.compactMap { $0.alert["host"]?.stringValue }
            #expect(
                received.count == Set(received).count,
                "round \(round): \(received.count - Set(received).count) oks were sent twice")
            #expect(Set(received).count == 400)
            #expect(try await scenario.list("open").isEmpty)
            #expect(try await Tool.integrityCheck(scenario.ledger) == "ok")
        }
        print("reliability: concurrent sweeps: \(rounds) rounds of 4, \(busy) exited 75")
        #expect(busy > 0, "the sweeps never overlapped; the test proves nothing")
    }
}
