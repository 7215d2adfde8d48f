import Alerts
import Curl
import Foundation
import Logging
import Redaction
import Synchronization
import TestSupport
import Testing

@testable import BigPanda

/// The Alerts API client against a loopback server that misbehaves on script: long throttling storms,
/// `Retry-After`, and seeded random sequences of faults checked against what the client reports.
@Suite(.timingSensitive) struct FaultInjectionTests {
    /// A client with a fast backoff (2 ms doubling, capped at 10 ms) so long storms stay quick.
    struct FastFixture {
        static let token = "fault-test-token-9b2e"
        let server: LoopbackServer
        let curl: CurlClient
        let client: AlertsClient

        init(
            deadline: Double, timeout: Double = 2, backoffBase: Double = 0.002, backoffCap: Double = 0.01,
            requestsPerSecond: Double = 0, stopRequested: @escaping @Sendable () -> Bool = { false },
            handler: @escaping @Sendable (ReceivedRequest) -> Reply
        ) throws {
            server = try LoopbackServer(handler: handler)
            curl = try CurlClient(options: CurlClientOptions(userAgent: AlertsClient.userAgent))
            var options = AlertsClientOptions(alertsURL: server.baseURL + "/data/v2/alerts", token: Secret(Self.token))
            options.requestsPerSecond = requestsPerSecond
            options.deadline = .seconds(deadline)
            options.timeout = .seconds(timeout)
            options.backoffBase = .seconds(backoffBase)
            options.backoffCap = .seconds(backoffCap)
            client = AlertsClient(
                options: options, curl: curl, logger: Logger(label: "fault-test"), stopRequested: stopRequested)
        }

        func stop() {
            curl.shutdown()
            server.stop()
        }
    }

    static let alert = JSONObject([("status", .string("ok")), ("host", .string("h"))])

    /// Numbers requests and remembers when each arrived.
    final class Log: Sendable {
        private let state = Mutex<[Double]>([])

        func next() -> Int {
            var now = timespec()
            clock_gettime(CLOCK_MONOTONIC, &now)
            let time = Double(now.tv_sec) + Double(now.tv_nsec) / 1e9
            return state.withLock { times in
                times.append(time)
                return times.count
            }
        }

        var times: [Double] { state.withLock { $0 } }
    }

    @Test func fiftyConsecutive429sThenSuccessAreSurvivedWithinTheDeadline() async throws {
        let log = Log()
        // The deadline and the bound leave room for a loaded 2-core machine (51 loopback requests take well
        // under a second on an idle one).
        let fixture = try FastFixture(deadline: 60) { _ in
            log.next() <= 50
                ? .respond(
                    status: 429, headers: [HeaderField("Retry-After", "0")], body: Array(#"{"error":"rate"}"#.utf8))
                : .json(201, #"{"status":"created"}"#)
        }
        defer { fixture.stop() }
        let started = ContinuousClock.now
        let result = await fixture.client.send(appKey: "k", alerts: [Self.alert])
        #expect(result.outcome == .delivered)
        #expect(result.attempts == 51)
        #expect(result.httpStatus == 201)
        #expect(ContinuousClock.now - started < .seconds(60))
        #expect(log.times.count == 51)
    }

    /// A stop (the sweep's SIGTERM) lets the answer on the wire come back, then starts no retry and
    /// waits out no backoff: here a Retry-After of 50 s inside a 600 s deadline. The stop comes while
    /// the first request is on the wire, whatever the machine's load.
    @Test func aStopEndsTheRetriesWithoutWaitingOutTheBackoff() async throws {
        let log = Log()
        let stop = Atomic<Bool>(false)
        let fixture = try FastFixture(deadline: 600, stopRequested: { stop.load(ordering: .relaxed) }) { _ in
            _ = log.next()
            stop.store(true, ordering: .relaxed)
            return .respond(status: 503, headers: [HeaderField("Retry-After", "50")], body: Array("busy".utf8))
        }
        defer { fixture.stop() }
        let started = ContinuousClock.now
        let result = await fixture.client.send(appKey: "k", alerts: [Self.alert])
        #expect(ContinuousClock.now - started < .seconds(20), "it did not wait out the 50 s Retry-After")
        #expect(result.outcome == .failed)
        #expect(result.attempts == 1)
        #expect(result.httpStatus == 503)
        #expect(result.message == "HTTP 503: busy; not retried: the run was stopped")
        #expect(log.times.count == 1)
        // Stopped before anything was sent: nothing is.
        let second = await fixture.client.send(appKey: "k", alerts: [Self.alert])
        #expect(second.attempts == 0)
        #expect(second.message == "not sent: the run was stopped")
        #expect(log.times.count == 1)
    }

    @Test func retryAfterIsHonouredAndAHugeOneEndsTheRunAtOnce() async throws {
        let log = Log()
        let fixture = try FastFixture(deadline: 60) { _ in
            log.next() == 1
                ? .respond(status: 503, headers: [HeaderField("Retry-After", "1")], body: []) : .json(201, "{}")
        }
        let result = await fixture.client.send(appKey: "k", alerts: [Self.alert])
        fixture.stop()
        #expect(result.outcome == .delivered)
        let times = log.times
        #expect(times.count == 2)
        if times.count == 2 { #expect(times[1] - times[0] >= 0.95, "waited only \(times[1] - times[0]) s") }

        // A Retry-After beyond the deadline: no retry, and no waiting for it either.
        let hugeLog = Log()
        let huge = try FastFixture(deadline: 30) { _ in
            _ = hugeLog.next()
            return .respond(status: 429, headers: [HeaderField("Retry-After", "86400")], body: Array("later".utf8))
        }
        let started = ContinuousClock.now
        let refused = await huge.client.send(appKey: "k", alerts: [Self.alert])
        huge.stop()
        #expect(refused.outcome == .failed)
        #expect(refused.attempts == 1)
        #expect(ContinuousClock.now - started < .seconds(20), "ended at once, not at the 30 s deadline")
        #expect(refused.message?.contains("HTTP 429: later") == true, "\(refused.message ?? "")")
    }

    @Test func noRequestStartsOnceTheRunsDeadlineHasPassed() async throws {
        let log = Log()
        let fixture = try FastFixture(deadline: 1.5, timeout: 0.5) { _ in
            _ = log.next()
            return .hang
        }
        defer { fixture.stop() }
        let failed = await fixture.client.send(appKey: "k", alerts: [Self.alert])
        #expect(failed.outcome == .failed)
        #expect(failed.attempts >= 1)
        let requests = log.times.count
        // The deadline has passed: a batch not yet sent fails at once, without a request.
        let started = ContinuousClock.now
        let unsent = await fixture.client.send(appKey: "k", alerts: [Self.alert])
        #expect(unsent.outcome == .failed)
        #expect(unsent.attempts == 0)
        #expect(unsent.message == "not sent: the run's deadline (2s) had passed", "\(unsent.message ?? "")")
        #expect(ContinuousClock.now - started < .milliseconds(400), "it did not wait for a timeout")
        try await Task.sleep(for: .milliseconds(100))
        #expect(log.times.count == requests, "nothing reached the server")
    }

    /// The deadline is checked again after the pacing wait: at 0.4 requests a second a second batch's slot
    /// comes about 2.5 s after the first request, past a 2 s deadline, so that batch is never sent, though
    /// both batches started within the deadline. Counted at the server, not timed.
    @Test func aBatchWhosePacingSlotFallsAfterTheDeadlineIsNotSent() async throws {
        let log = Log()
        let fixture = try FastFixture(deadline: 2, requestsPerSecond: 0.4) { _ in
            _ = log.next()
            return .json(201, "{}")
        }
        defer { fixture.stop() }
        let client = fixture.client
        // Both start at once: one gets the first slot, the other waits for the next, after the deadline.
        async let first = client.send(appKey: "k", alerts: [Self.alert])
        async let second = client.send(appKey: "k", alerts: [Self.alert])
        let results = await [first, second]
        #expect(results.map(\.outcome).filter { $0 == .delivered }.count == 1, "\(results)")
        let unsent = try #require(results.first { $0.outcome != .delivered })
        #expect(unsent.outcome == .failed)
        #expect(unsent.attempts == 0)
        #expect(unsent.message == "not sent: the run's deadline (2s) had passed", "\(unsent.message ?? "")")
        try await Task.sleep(for: .milliseconds(100))
        #expect(log.times.count == 1, "the batch paced past the deadline reached the server")
    }

    @Test func theDeadlineCountsFromTheRunsFirstRequestNotFromTheClientsCreation() async throws {
        let log = Log()
        let fixture = try FastFixture(deadline: 1) { _ in
            _ = log.next()
            return .json(201, "{}")
        }
        defer { fixture.stop() }
        // Choosing the alerts took longer than the deadline; the run's sending has not started yet.
        try await Task.sleep(for: .milliseconds(1200))
        #expect(await fixture.client.send(appKey: "k", alerts: [Self.alert]).outcome == .delivered)
        try await Task.sleep(for: .milliseconds(1200))
        #expect(await fixture.client.send(appKey: "k", alerts: [Self.alert]).attempts == 0, "the run's time is up")
        fixture.client.startRun()
        #expect(await fixture.client.send(appKey: "k", alerts: [Self.alert]).outcome == .delivered, "a new run")
        #expect(log.times.count == 2)
    }

    @Test(arguments: [(240.0, "4m"), (30, "30s"), (90, "1m30s"), (3_600, "1h"), (0.4, "1s")])
    func deadlinesAreWrittenAsInTheConfig(seconds: Double, text: String) {
        #expect(AlertsClient.durationText(.seconds(seconds)) == text)
    }

    /// The longest deadline the config can write (`106751991167300d`) is written, not a crash.
    @Test func aDeadlineOfMillionsOfYearsIsWrittenToo() {
        #expect(AlertsClient.durationText(.seconds(106_751_991_167_300 * 86_400)) == "106751991167300d")
        #expect(AlertsClient.durationText(.seconds(Int64.max)) == "106751991167300d15h30m")
    }

    /// One scripted misbehaviour and what it means for delivery.
    enum Fault: CaseIterable, Sendable {
        case ok, okSlow, created202, badRequest, unprocessable, unauthorized, forbidden, throttled, timeoutStatus,
            serverError, badGateway, unavailable, reset, resetBeforeBody, truncated, hang

        var reply: Reply {
            switch self {
            case .ok: .json(201, #"{"status":"created"}"#)
            case .okSlow: .delay(seconds: 0.05, then: .json(200, "{}"))
            case .created202: .status(202)
            case .badRequest: .json(400, #"{"error":"bad alert"}"#)
            case .unprocessable: .json(422, #"{"message":"no"}"#)
            case .unauthorized: .json(401, #"{"error":"who"}"#)
            case .forbidden: .json(403, "{}")
            case .throttled: .respond(status: 429, headers: [HeaderField("Retry-After", "0")], body: [])
            case .timeoutStatus: .status(408)
            case .serverError: .json(500, "{}")
            case .badGateway: .respond(status: 502, headers: [], body: Array("<html>bad gateway</html>".utf8))
            case .unavailable: .json(503, #"{"error":"down"}"#)
            case .reset: .reset
            case .resetBeforeBody: .resetBeforeBody
            case .truncated: .truncated(status: 201, body: Array("{\"sta".utf8))
            case .hang: .hang
            }
        }

        /// What the client must conclude when this is the last answer it got.
        var ending: DeliveryResult.Outcome? {
            switch self {
            case .ok, .okSlow, .created202: .delivered
            case .badRequest, .unprocessable: .permanent
            case .unauthorized, .forbidden: .unauthorized
            default: nil  // retried while the deadline allows
            }
        }
    }

    @Test func randomFaultSequencesEndAsTheLastAnswerSays() async throws {
        var random = SplitMix64(seed: Self.seed())
        let trials = Int(ProcessInfo.processInfo.environment["FAULT_TRIALS"] ?? "") ?? 24
        for trial in 0..<trials {
            // Mostly transient faults, so sequences get long; a terminal answer ends them.
            let sequence: [Fault] = (0..<Int.random(in: 1...8, using: &random)).map { _ in
                Int.random(in: 0..<4, using: &random) == 0
                    ? Fault.allCases.filter { $0 != .hang }.randomElement(using: &random) ?? .ok
                    : [
                        Fault.serverError, .unavailable, .throttled, .reset, .truncated, .badGateway, .timeoutStatus,
                        .resetBeforeBody,
                    ]
                    .randomElement(using: &random) ?? .ok
            }
            let log = Log()
            let served = Mutex<[Fault]>([])
            // A timeout long enough that a loaded machine does not turn an answer into a timeout (a black hole
            // is tested end to end instead).
            let fixture = try FastFixture(deadline: 2, timeout: 5) { _ in
                let number = log.next()
                let fault = number <= sequence.count ? sequence[number - 1] : .ok
                served.withLock { $0.append(fault) }
                return fault.reply
            }
            let started = ContinuousClock.now
            let result = await fixture.client.send(appKey: "k", alerts: [Self.alert])
            let elapsed = ContinuousClock.now - started
            fixture.stop()
            let seen = served.withLock { $0 }
            let times = log.times.map { String(format: "%.3f", $0 - (log.times.first ?? 0)) }
            let context = "trial \(trial): \(sequence) -> \(result), requests at \(times) s, took \(elapsed)"
            // Every request that reached the server is a counted attempt (libcurl's silent re-send is refused).
            #expect(result.attempts == seen.count, "\(context): \(seen)")
            guard let last = seen.last else {
                Issue.record("\(context): nothing reached the server")
                continue
            }
            if let ending = last.ending {
                #expect(result.outcome == ending, "\(context)")
            } else {
                // Still failing when retries ran out: only at the deadline.
                #expect(result.outcome == .failed, "\(context)")
                #expect(elapsed >= .seconds(2) - .milliseconds(600), "\(context): gave up after \(elapsed)")
            }
            // Nothing after a terminal answer, and everything before it was a transient fault.
            #expect(seen.dropLast().allSatisfy { $0.ending == nil }, "\(context)")
            // The deadline (2 s) plus one attempt's timeout (5 s), and room for a starved thread on a
            // loaded 2-core machine; the attempt counts above carry the logic.
            #expect(elapsed < .seconds(15), "\(context): took \(elapsed)")
            if result.outcome != .delivered {
                #expect(result.message.map { !$0.contains(FastFixture.token) } ?? true)
            }
        }
    }

    /// libcurl re-sends a request on its own when its reused connection dies before any answer; the Curl
    /// layer refuses that re-send, so the client retries it as an attempt it counts and paces.
    @Test func everyRequestIsOneCountedAttempt() async throws {
        let log = Log()
        // A deadline far beyond the test's needs: on a loaded machine a short one turned delivery into failure.
        let fixture = try FastFixture(deadline: 60) { _ in
            switch log.next() {
            case 1: .json(503, "{}")  // leaves a kept-alive connection for the next attempt
            case 2: .reset  // that connection dies without an answer
            default: .json(201, "{}")
            }
        }
        let result = await fixture.client.send(appKey: "k", alerts: [Self.alert])
        fixture.stop()
        #expect(result.outcome == .delivered)
        #expect(
            result.attempts == log.times.count, "\(result.attempts) attempts counted, \(log.times.count) requests sent")
    }

    @Test func aRequestRepeatedAfterADeadKeptAliveConnectionWaitsForItsPacingSlot() async throws {
        let log = Log()
        let fixture = try FastFixture(deadline: 60, requestsPerSecond: 5) { _ in
            switch log.next() {
            case 1: .json(503, "{}")
            case 2: .reset
            default: .json(201, "{}")
            }
        }
        let result = await fixture.client.send(appKey: "k", alerts: [Self.alert])
        fixture.stop()
        #expect(result.outcome == .delivered)
        let times = log.times
        #expect(times.count == 3 && result.attempts == 3, "\(times.count) requests, \(result.attempts) attempts")
        // 5 per second: the client starts them 0.2 s apart. The server sees them with the scheduling jitter of
        // a loaded machine on top, so it checks for half that; libcurl's silent re-send came 0.4 ms after.
        for (earlier, later) in zip(times, times.dropFirst()) {
            #expect(later - earlier >= 0.1, "two requests \(later - earlier) s apart at 5 requests/s")
        }
    }

    static func seed() -> UInt64 {
        let seed =
            ProcessInfo.processInfo.environment["RELIABILITY_SEED"].flatMap { UInt64($0) }
            ?? UInt64.random(in: 0...UInt64.max)
        print("reliability: client fault sequences seed \(seed) (replay with RELIABILITY_SEED=\(seed))")
        return seed
    }
}

/// SplitMix64, seedable so a failing sequence can be replayed.
typealias SplitMix64 = FuzzRandom
