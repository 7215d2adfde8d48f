import Alerts
import BigPanda
import Curl
import Foundation
import Ledger
import Logging
import Postgres
import PostgresLedger
import SQLiteLedger
import Synchronization
import TestSupport
import Testing

@testable import Relay

#if canImport(Glibc)
    import Glibc
#endif

/// The worker while the ledger's database is unreachable: every job fails at once as unreachable, and
/// the worker reconnects in the background.
@Suite(.timingSensitive) struct LedgerWorkerReconnectionTests {
    static let now: Int64 = 1_795_773_600
    /// Reconnection waits short enough that attempts made while the test was slow never push the next
    /// one past its patience (the relay's own waits grow to 30 s).
    static let quickly = RetryPolicy(base: .milliseconds(20), cap: .milliseconds(200), limit: .forever)

    static func events(_ host: String) throws -> [IncomingEvent] {
        try AlertsIntake.parse(
            Array(#"{"app_key":"k","status":"critical","host":"\#(host)"}"#.utf8), defaultAppKey: nil,
            receivedAt: now, forward: true)
    }

    /// Records until one is committed, at most `seconds`; returns whether one was.
    static func recordEventually(_ worker: LedgerWorker, _ host: String, seconds: Double) async throws -> Bool {
        let deadline = Date().addingTimeInterval(seconds)
        while Date() < deadline {
            do {
                try await worker.record(try events(host))
                return true
            } catch let error as LedgerError where error.isUnreachable {
                try await Task.sleep(for: .milliseconds(50))
            }
        }
        return false
    }

    @Test func aLedgerUnreachableAtStartFailsJobsAtOnceThenConnectsInTheBackground() async throws {
        var template = Array("/tmp/worker-test.XXXXXX".utf8CString)
        let directory = String(cString: try #require(mkdtemp(&template)))
        let path = directory + "/ledger.sqlite"
        defer {
            for suffix in ["", "-wal", "-shm"] { unlink(path + suffix) }
            rmdir(directory)
        }
        let attempts = Attempts()
        let worker = LedgerWorker(
            location: path,
            initial: .failure(LedgerError(location: path, message: "connection refused", isUnreachable: true)),
            reopen: {
                // The database stays away until the test lets it come back: the worker keeps trying.
                guard attempts.next() else {
                    throw LedgerError(location: path, message: "refused", isUnreachable: true)
                }
                return try SQLiteLedger(path: path)
            }, reconnection: Self.quickly, wallClock: { Self.now }, logger: Logger(label: "test"))
        defer { worker.stop() }
        await #expect(throws: LedgerError.self) { try await worker.record(try Self.events("early")) }
        #expect(worker.unreachableError?.isUnreachable == true)
        await #expect(throws: LedgerError.self) { try await worker.perform { try $0.outboxCounts() } }
        #expect(try await eventually(10) { attempts.count >= 2 }, "the worker did not keep trying")
        #expect(worker.connectionCount == 0)
        attempts.open()
        #expect(try await Self.recordEventually(worker, "later", seconds: 10))
        #expect(worker.unreachableError == nil)
        #expect(worker.connectionCount == 1)
        let rows = try await worker.perform { try $0.pendingOutbox(limit: 10) }
        #expect(rows.count == 1, "only the alert recorded after the connection is in the ledger")
    }

    /// README "When the database is away": the relay reconnects with backoff, 0.5 s doubling to 30 s with
    /// jitter. The policy's ceilings, then the production policy at work: attempts go on (at most 0.5 + 1 + 2
    /// s apart for the first three) and stay few (a loop without backoff makes thousands in 4 s; a doubling
    /// full-jitter backoff more than 10 with odds of about one in a hundred thousand).
    @Test func theRelayReconnectsWithBackoffFromHalfASecondDoublingTo30Seconds() async throws {
        let policy = LedgerWorker.reconnection
        #expect(policy.limit == .forever)
        let ceilings = (1...9).map { policy.ceiling(attempt: $0) }
        #expect(ceilings == [0.5, 1, 2, 4, 8, 16, 30, 30, 30].map { Duration.seconds($0) }, "\(ceilings)")

        let times = Recorder<[ContinuousClock.Instant]>([])
        let started = ContinuousClock.now
        let worker = LedgerWorker(
            location: "test-ledger",
            initial: .failure(LedgerError(location: "test-ledger", message: "refused", isUnreachable: true)),
            reopen: {
                times.update { $0.append(.now) }
                throw LedgerError(location: "test-ledger", message: "refused", isUnreachable: true)
            }, wallClock: { Self.now }, logger: Logger(label: "test"))
        defer { worker.stop() }
        #expect(try await eventually(30) { times.value.count >= 3 }, "the worker stopped trying")
        try await Task.sleep(until: started + .seconds(4), clock: .continuous)
        let early = times.value.filter { $0 - started < .seconds(4) }.count
        #expect(early <= 10, "\(early) reconnection attempts in the first 4 s: no backoff")
        #expect(worker.connectionCount == 0)
        #expect(worker.unreachableError?.isUnreachable == true)
    }

    @Test func aConnectionLostMidOperationFailsTheRecordAndReconnects() async throws {
        guard let conninfo = try PostgresTestServer.freshDatabase() else { return }
        let string = try PostgresConnectionString(conninfo)
        let worker = LedgerWorker(
            location: string.target, initial: .success(try PostgresLedger(string)),
            reopen: { try PostgresLedger(string) }, reconnection: Self.quickly, wallClock: { Self.now },
            logger: Logger(label: "test"))
        defer { worker.stop() }
        try await worker.record(try Self.events("before"))
        // The server ends the worker's session, as a restart or a failover would.
        let admin = try PostgresConnection(string)
        let database = conninfo.split(separator: " ").first { $0.hasPrefix("dbname=") }.map { $0.dropFirst(7) } ?? ""
        try admin.query(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = $1 AND pid <> pg_backend_pid()",
            [.text(String(database))])
        do {
            try await worker.record(try Self.events("lost"))
            Issue.record("a record on a lost connection was answered as committed")
        } catch let error as LedgerError {
            #expect(error.isUnreachable, "\(error)")
        }
        #expect(try await Self.recordEventually(worker, "after", seconds: 10))
        #expect(worker.connectionCount == 2)
        let payloads = try await worker.perform { try $0.pendingOutbox(limit: 10) }.map(\.payload)
        #expect(payloads.count == 2 && payloads.allSatisfy { !$0.contains("lost") }, "\(payloads)")
    }
}

/// Counts reconnection attempts across threads, and lets them succeed once opened.
final class Attempts: Sendable {
    private let state = Mutex((count: 0, open: false))

    /// Counts an attempt; whether it may succeed.
    func next() -> Bool {
        state.withLock {
            $0.count += 1
            return $0.open
        }
    }

    var count: Int { state.withLock { $0.count } }

    func open() { state.withLock { $0.open = true } }
}

/// Waits until `condition` holds or `seconds` pass; returns whether it held.
func eventually(_ seconds: Double, _ condition: () -> Bool) async throws -> Bool {
    let deadline = Date().addingTimeInterval(seconds)
    while Date() < deadline {
        if condition() { return true }
        try await Task.sleep(for: .milliseconds(20))
    }
    return condition()
}

@Suite struct RunIdentifierTests {
    @Test func aRunNamesItsHostAndProcessAndIsUnique() throws {
        let first = RelayServer.runIdentifier()
        let parts = first.split(separator: ":")
        #expect(parts.count == 3, "\(first)")
        #expect(!parts[0].isEmpty)
        #expect(parts.count == 3 && parts[1] == "\(getpid())", "\(first)")
        #expect(RelayServer.runIdentifier() != first, "two runs in one process still differ")
    }
}
