import Foundation
public import Ledger

/// Owns the relay's ledger connection on a thread of its own, so SQLite's blocking calls never run on
/// the Swift cooperative pool. Records that arrive together are committed in one transaction
/// (group commit); each caller is answered only after the commit.
public final class LedgerWorker: @unchecked Sendable {
    private enum Job {
        case record([IncomingEvent], CheckedContinuation<Void, any Error>)
        case run(@Sendable (any LedgerStore) -> Void)
    }

    // Guarded by `condition`.
    private let condition = NSCondition()
    private var jobs: [Job] = []
    private var stopping = false
    private var finished = false

    private let ledger: any LedgerStore
    private let clock: @Sendable () -> Int64

    /// Starts the worker thread. The ledger is used only from that thread from now on.
    public init(ledger: any LedgerStore, clock: @escaping @Sendable () -> Int64) {
        self.ledger = ledger
        self.clock = clock
        let thread = Thread { [self] in loop() }
        thread.name = "ledger-worker"
        thread.start()
    }

    /// Records events durably; returns once they are committed.
    public func record(_ events: [IncomingEvent]) async throws {
        try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<Void, any Error>) in
            if !enqueue(.record(events, continuation)) { continuation.resume(throwing: stoppingError) }
        }
    }

    /// Runs `body` with the ledger on the worker thread.
    public func perform<T: Sendable>(_ body: @escaping @Sendable (any LedgerStore) throws -> T) async throws -> T {
        try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<T, any Error>) in
            let job = Job.run({ ledger in continuation.resume(with: Result { try body(ledger) }) })
            if !enqueue(job) { continuation.resume(throwing: stoppingError) }
        }
    }

    /// Finishes the queued work and stops the thread.
    public func stop() {
        condition.lock()
        stopping = true
        condition.broadcast()
        while !finished { condition.wait() }
        condition.unlock()
    }

    private var stoppingError: LedgerError {
        LedgerError(location: ledger.location, message: "the relay is stopping")
    }

    /// Queues a job; false when the worker is stopping and took nothing.
    private func enqueue(_ job: Job) -> Bool {
        condition.lock()
        defer { condition.unlock() }
        if stopping { return false }
        jobs.append(job)
        condition.signal()
        return true
    }

    private func loop() {
        while true {
            condition.lock()
            while jobs.isEmpty, !stopping { condition.wait() }
            if jobs.isEmpty, stopping {
                finished = true
                condition.broadcast()
                condition.unlock()
                return
            }
            let batch = jobs
            jobs.removeAll(keepingCapacity: true)
            condition.unlock()
            execute(batch)
        }
    }

    private func execute(_ batch: [Job]) {
        var records: [([IncomingEvent], CheckedContinuation<Void, any Error>)] = []
        for job in batch {
            if case .record(let events, let continuation) = job { records.append((events, continuation)) }
        }
        if !records.isEmpty {
            let now = clock()
            do {
                _ = try ledger.recordStream(recordedAt: now) { record in
                    for (events, _) in records {
                        for event in events { try record(event) }
                    }
                    return true
                }
                for (_, continuation) in records { continuation.resume() }
            } catch {
                // One request's failure must not fail the others: commit each alone.
                for (events, continuation) in records {
                    do {
                        try ledger.record(events, recordedAt: now)
                        continuation.resume()
                    } catch {
                        continuation.resume(throwing: error)
                    }
                }
            }
        }
        for job in batch {
            if case .run(let body) = job { body(ledger) }
        }
    }
}
