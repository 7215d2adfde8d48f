import Alerts
import BigPanda
import Foundation
import Ledger
import Logging
import SQLiteLedger
import Staleness
import Synchronization
import Testing

@testable import Sweep

/// A BigPanda stand-in at the level of the sweep: it records every body, answers from a script, and
/// can run a hook while a batch is "in flight".
final class FakeSender: AlertsSender {
    struct State {
        var bodies: [[UInt8]] = []
        /// For each body, how many requests had already been answered when it was sent.
        var answeredBefore: [Int] = []
        var answered = 0
        var inFlight = 0
        var maxInFlight = 0
        var stopReason: String?
    }

    let state = Mutex(State())
    let answer: @Sendable (_ number: Int) -> DeliveryResult
    let whileSending: (@Sendable (_ number: Int) -> Void)?

    init(
        answer: @escaping @Sendable (Int) -> DeliveryResult = { _ in
            DeliveryResult(outcome: .delivered, httpStatus: 201, attempts: 1, message: nil)
        },
        whileSending: (@Sendable (Int) -> Void)? = nil
    ) {
        self.answer = answer
        self.whileSending = whileSending
    }

    func send(body: [UInt8]) async -> DeliveryResult {
        let number = state.withLock { state -> Int in
            state.bodies.append(body)
            state.answeredBefore.append(state.answered)
            state.inFlight += 1
            state.maxInFlight = max(state.maxInFlight, state.inFlight)
            return state.bodies.count
        }
        whileSending?(number)
        try? await Task.sleep(for: .milliseconds(20))
        let result = answer(number)
        state.withLock { state in
            state.inFlight -= 1
            state.answered += 1
            if result.outcome == .unauthorized, state.stopReason == nil { state.stopReason = result.message }
        }
        return result
    }

    var stopReason: String? { state.withLock { $0.stopReason } }

    /// Each request's app key and alert hosts.
    var batches: [(appKey: String, hosts: [String])] {
        state.withLock { $0.bodies }.compactMap { body in
            guard let object = try? JSONParser.parse(body).objectValue, case .array(let alerts)? = object["alerts"]
            else { return nil }
            return (
                object["app_key"]?.stringValue ?? "",
                alerts.compactMap { $0.objectValue?["host"]?.stringValue }
            )
        }
    }
}

/// An in-memory ledger (the real SQLite ledger, with no file) with alerts received at fixed times.
///
/// The test target does not depend on TestSupport, so it has no temporary directory to reach for.
final class SweepFixture {
    static let now: Int64 = 1_800_000_000
    /// The in-memory ledger's name: another handle opened with it sees the same alerts.
    let name = "sweeper-\(UUID().uuidString)"
    let ledger: SQLiteLedger

    init() throws {
        ledger = try SQLiteLedger(memoryNamed: name)
    }

    func record(host: String, appKey: String = "k1", ago: Int64) throws {
        let alert = try Alert.validate(
            try JSONParser.parse(#"{"app_key":"\#(appKey)","status":"critical","host":"\#(host)","check":"cpu"}"#),
            defaultAppKey: nil)
        try ledger.record([IncomingEvent(alert: alert, receivedAt: Self.now - ago)], recordedAt: Self.now - ago)
    }

    func sweeper(_ sender: FakeSender?, configure: (inout SweepOptions) -> Void = { _ in }) -> Sweeper {
        var options = SweepOptions(now: Self.now, policy: StalenessPolicy())
        options.batchSize = 2
        configure(&options)
        return Sweeper(
            ledger: ledger, options: options, client: sender, logger: Logger(label: "test"),
            wallClock: { SweepFixture.now + 5 })
    }

    func states() throws -> [String: AlertState] {
        var states: [String: AlertState] = [:]
        try ledger.forEachAlert(AlertFilter(states: [])) { states[$0.display] = $0.state }
        return states
    }
}

@Suite struct SweeperTests {
    @Test func batchesPerAppKeyAndTheFirstBatchGoesAlone() async throws {
        let fixture = try SweepFixture()
        for index in 0..<5 { try fixture.record(host: "a\(index)", appKey: "k1", ago: 7200) }
        for index in 0..<3 { try fixture.record(host: "b\(index)", appKey: "k2", ago: 7200) }
        try fixture.record(host: "fresh", appKey: "k1", ago: 60)
        let sender = FakeSender()
        let report = try await fixture.sweeper(sender).run()
        #expect(report.open == 9)
        #expect(report.stale == 8)
        #expect(report.resolved == 8)
        // After the first batch, up to maxInFlight bodies are built and sent at once, so they may reach
        // BigPanda in any order; each batch still holds one app key's alerts in the ledger's order.
        let batches = sender.batches
        #expect(batches.first?.appKey == "k1")
        #expect(batches.first?.hosts == ["a0", "a1"])
        #expect(sender.state.withLock { $0.answeredBefore.dropFirst().allSatisfy { $0 >= 1 } })
        let sent = batches.map { "\($0.appKey): \($0.hosts.joined(separator: " "))" }.sorted()
        #expect(sent == ["k1: a0 a1", "k1: a2 a3", "k1: a4", "k2: b0 b1", "k2: b2"])
        #expect(sender.state.withLock { $0.maxInFlight } <= 4)
        #expect(try fixture.states()["host=fresh check=cpu"] == .open)
        #expect(try fixture.states().values.filter { $0 == .resolved }.count == 8)
    }

    @Test func theFirstBatchIsAloneSoARefusedTokenCostsOneRequestAndStopsTheRun() async throws {
        let fixture = try SweepFixture()
        for index in 0..<10 { try fixture.record(host: "h\(index)", ago: 7200) }
        let sender = FakeSender(answer: { _ in
            DeliveryResult(outcome: .unauthorized, httpStatus: 401, attempts: 1, message: "BigPanda refused the token")
        })
        let report = try await fixture.sweeper(sender) {
            $0.blastRadius.maxResolvesPerRun = 100; $0.force = true
        }.run()
        #expect(sender.batches.count == 1, "one request, then nothing more this run")
        #expect(report.resolved == 0)
        #expect(report.failed == 10)
        #expect(report.errors.contains { $0.contains("refused the token") })
        #expect(try fixture.states().values.allSatisfy { $0 == .open })
    }

    @Test func anEventDuringTheSendFencesTheAlertOpen() async throws {
        let fixture = try SweepFixture()
        try fixture.record(host: "racing", ago: 7200)
        let ledgerName = fixture.name
        let sender = FakeSender(whileSending: { _ in
            // Another handle (a relay) records a new event for the alert while its ok is in flight.
            guard let other = try? SQLiteLedger(memoryNamed: ledgerName),
                let alert = try? Alert.validate(
                    try JSONParser.parse(#"{"app_key":"k1","status":"critical","host":"racing","check":"cpu"}"#),
                    defaultAppKey: nil)
            else { return }
            try? other.record([IncomingEvent(alert: alert, receivedAt: SweepFixture.now)], recordedAt: SweepFixture.now)
        })
        let report = try await fixture.sweeper(sender).run()
        #expect(sender.batches.count == 1)
        #expect(report.resolved == 0)
        #expect(report.actions.first?.action == .kept)
        #expect(report.actions.first?.reason.contains("new event arrived") == true)
        #expect(try fixture.states()["host=racing check=cpu"] == .open)
    }

    @Test func aHoldSendsNothingAndForceLiftsIt() async throws {
        let fixture = try SweepFixture()
        for index in 0..<25 { try fixture.record(host: "h\(index)", ago: index < 15 ? 7200 : 60) }
        let held = FakeSender()
        let report = try await fixture.sweeper(held).run()
        #expect(report.held == 15)
        #expect(report.holdReason?.contains("max_resolve_fraction") == true)
        #expect(held.batches.isEmpty)
        let forced = FakeSender()
        let done = try await fixture.sweeper(forced) { $0.force = true }.run()
        #expect(done.resolved == 15)
    }

    @Test func aStopMidRunSendsNoNewBatchAndRecordsWhatWasInFlight() async throws {
        let fixture = try SweepFixture()
        for index in 0..<8 { try fixture.record(host: "h\(index)", ago: 7200) }
        let stop = Atomic<Bool>(false)
        let sender = FakeSender(whileSending: { _ in stop.store(true, ordering: .relaxed) })
        let sweeper = fixture.sweeper(sender) { $0.force = true }
        sweeper.stopRequested = { stop.load(ordering: .relaxed) }
        let report = try await sweeper.run()
        #expect(sender.batches.count == 1, "the stop came during the first batch")
        #expect(report.resolved == 2, "the batch in flight is recorded")
        #expect(report.failed == 6)
        #expect(report.errors.contains("not sent: the sweep was stopped by a signal"))
    }

    @Test func aSweepOnTheFixtureWritesNoFile() async throws {
        let fixture = try SweepFixture()
        try fixture.record(host: "old", ago: 7200)
        let report = try await fixture.sweeper(FakeSender()).run()
        #expect(report.resolved == 1)
        #expect(try fixture.states()["host=old check=cpu"] == .resolved)
        #expect(try fixture.ledger.claimSweep() != nil, "the sweep released its in-process claim")
        for directory in [FileManager.default.currentDirectoryPath, NSTemporaryDirectory(), "/"] {
            let entries = (try? FileManager.default.contentsOfDirectory(atPath: directory)) ?? []
            #expect(!entries.contains { $0.contains(fixture.name) }, "\(directory) holds a file of the fixture")
        }
    }

    @Test func aSecondSweepWhileTheClaimIsHeldSendsNothing() async throws {
        let fixture = try SweepFixture()
        try fixture.record(host: "old", ago: 7200)
        let other = try SQLiteLedger(memoryNamed: fixture.name)
        let claim = try #require(try other.claimSweep())
        let sender = FakeSender()
        await #expect(throws: SweepError.self) { try await fixture.sweeper(sender).run() }
        #expect(sender.batches.isEmpty)
        claim.release()
        #expect(try await fixture.sweeper(sender).run().resolved == 1)
    }

    @Test func aDryRunSendsAndWritesNothing() async throws {
        let fixture = try SweepFixture()
        try fixture.record(host: "old", ago: 7200)
        let report = try await fixture.sweeper(nil) { $0.dryRun = true }.run()
        #expect(report.actions.map(\.action) == [.wouldResolve])
        #expect(try fixture.states()["host=old check=cpu"] == .open)
    }

    @Test(arguments: [
        ([String](), 2, [Int]()),
        (["a", "a", "a"], 2, [2, 1]),
        (["a", "b", "a", "b", "c"], 2, [2, 2, 1]),
        (["a", "b"], 0, [1, 1]),
    ])
    func planBatchesPerAppKey(appKeys: [String], size: Int, sizes: [Int]) {
        let batches = SweepPlan.batches(appKeys: appKeys, size: size)
        #expect(batches.map(\.indices.count) == sizes)
        for batch in batches { #expect(batch.indices.allSatisfy { appKeys[$0] == batch.appKey }) }
    }
}
