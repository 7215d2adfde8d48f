public import Alerts
import BigPanda
public import Curl
import Foundation
public import Ledger
public import Logging
import Synchronization

/// Owns the relay's ledger connection on a thread of its own, so SQLite's blocking calls never run on
/// the Swift cooperative pool. Records that arrive together are committed in one transaction
/// (group commit); each caller is answered only after the commit.
///
/// A ledger whose database cannot be reached (PostgreSQL down, or the connection lost mid-operation)
/// is dropped: until the worker reconnects in the background, with backoff, every job fails at once
/// with an unreachable `LedgerError`, so the relay answers 503 rather than waiting.
public final class LedgerWorker: @unchecked Sendable {
    enum Job {
        case record([IncomingEvent], CheckedContinuation<Void, any Error>)
        /// Runs with the ledger, or with why it is unreachable; returns the error it met, if any.
        case run(@Sendable (Result<any LedgerStore, LedgerError>) -> (any Error)?)
    }

    // Guarded by `condition`.
    let condition = NSCondition()
    var jobs: [Job] = []
    var stopping = false
    var finished = false
    /// Why the ledger is unreachable, while it is.
    var unreachable: LedgerError?

    // Used only on the worker thread.
    var ledger: (any LedgerStore)?
    var reconnectAttempts = 0
    var nextAttempt = Date.distantPast

    let location: String
    let reopen: @Sendable () throws -> any LedgerStore
    /// How long to wait between reconnection attempts.
    let reconnection: RetryPolicy
    let wallClock: WallClock
    let logger: Logger
    /// How many times the worker has connected; a heartbeat run starts anew after a reconnection.
    let connections = Atomic<Int>(0)

    /// Starts the worker thread with a ledger that is never lost (SQLite). The ledger is used only from
    /// that thread from now on.
    public convenience init(ledger: any LedgerStore, wallClock: @escaping WallClock) {
        let location = ledger.location
        self.init(
            location: location, initial: .success(ledger),
            reopen: { throw LedgerError(location: location, message: "the ledger cannot be reopened") },
            wallClock: wallClock, logger: Logger(label: "logzio-resolver.relay"))
    }

    /// Starts the worker thread.
    ///
    /// - Parameters:
    ///   - location: where the ledger lives, for messages (never holding a password).
    ///   - initial: the ledger opened at start, or why it could not be reached; the worker then
    ///     connects in the background.
    ///   - reopen: opens the ledger again after its database was lost.
    ///   - reconnection: the waits between reconnection attempts.
    public init(
        location: String, initial: Result<any LedgerStore, LedgerError>,
        reopen: @escaping @Sendable () throws -> any LedgerStore,
        reconnection: RetryPolicy = LedgerWorker.reconnection, wallClock: @escaping WallClock,
        logger: Logger
    ) {
        self.location = location
        self.reopen = reopen
        self.reconnection = reconnection
        self.wallClock = wallClock
        self.logger = logger
        switch initial {
        case .success(let store):
            ledger = store
            connections.store(1, ordering: .relaxed)
        case .failure(let error):
            unreachable = error
            nextAttempt = Date().addingTimeInterval(backoff(attempt: 0).inSeconds)
            logger.error(
                "the ledger's database is unreachable; answering 503 and reconnecting in the background",
                metadata: ["ledger": "\(location)", "error": "\(error.message)"])
        }
        let thread = Thread { [self] in loop() }
        thread.name = "ledger-worker"
        thread.start()
    }

    /// Why the ledger's database cannot be reached right now, or nil when it can.
    public var unreachableError: LedgerError? {
        condition.lock()
        defer { condition.unlock() }
        return unreachable
    }

    /// How many times the worker has connected to the ledger so far.
    public var connectionCount: Int { connections.load(ordering: .relaxed) }

    /// Records events durably; returns once they are committed.
    public func record(_ events: [IncomingEvent]) async throws {
        try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<Void, any Error>) in
            if !enqueue(.record(events, continuation)) { continuation.resume(throwing: stoppingError) }
        }
    }

    /// Runs `body` with the ledger on the worker thread; throws an unreachable `LedgerError` while the
    /// ledger's database cannot be reached.
    public func perform<T: Sendable>(_ body: @escaping @Sendable (any LedgerStore) throws -> T) async throws -> T {
        try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<T, any Error>) in
            let job = Job.run({ result in
                let ledger: any LedgerStore
                switch result {
                case .success(let store): ledger = store
                case .failure(let error):
                    continuation.resume(throwing: error)
                    return nil
                }
                do {
                    let value = try body(ledger)
                    continuation.resume(returning: value)
                    return nil
                } catch {
                    continuation.resume(throwing: error)
                    return error
                }
            })
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
        LedgerError(location: location, message: "the relay is stopping")
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
            while jobs.isEmpty, !stopping {
                if ledger != nil {
                    condition.wait()
                } else if Date() < nextAttempt {
                    _ = condition.wait(until: nextAttempt)
                } else {
                    break
                }
            }
            if jobs.isEmpty, stopping {
                finished = true
                condition.broadcast()
                condition.unlock()
                return
            }
            let batch = jobs
            jobs.removeAll(keepingCapacity: true)
            condition.unlock()
            if ledger == nil, Date() >= nextAttempt { reconnect() }
            if let ledger {
                execute(batch, on: ledger)
            } else {
                failUnreachable(batch)
            }
        }
    }

    private func execute(_ batch: [Job], on ledger: any LedgerStore) {
        var records: [([IncomingEvent], CheckedContinuation<Void, any Error>)] = []
        for job in batch {
            if case .record(let events, let continuation) = job { records.append((events, continuation)) }
        }
        if !records.isEmpty { commit(records, on: ledger) }
        for job in batch {
            guard case .run(let body) = job else { continue }
            // A job after a lost connection fails at once, as every job does until the worker reconnects.
            let result: Result<any LedgerStore, LedgerError> =
                self.ledger.map { .success($0) } ?? .failure(unreachableError ?? unreachableNow)
            if let error = body(result), Self.isLost(error) { lose(error) }
        }
    }

    private func commit(
        _ records: [([IncomingEvent], CheckedContinuation<Void, any Error>)], on ledger: any LedgerStore
    ) {
        let now = wallClock()
        do {
            _ = try ledger.recordStream(recordedAt: now) { record in
                for (events, _) in records {
                    for event in events { try record(event) }
                }
                return true
            }
            for (_, continuation) in records { continuation.resume() }
        } catch {
            if Self.isLost(error) {
                // Nothing of this batch may be answered 202: whether the commit arrived is unknown.
                lose(error)
                for (_, continuation) in records { continuation.resume(throwing: error) }
                return
            }
            // One request's failure must not fail the others: commit each alone.
            for (events, continuation) in records {
                guard self.ledger != nil else {
                    continuation.resume(throwing: unreachableError ?? unreachableNow)
                    continue
                }
                do {
                    try ledger.record(events, recordedAt: now)
                    continuation.resume()
                } catch {
                    if Self.isLost(error) { lose(error) }
                    continuation.resume(throwing: error)
                }
            }
        }
    }

    private func failUnreachable(_ batch: [Job]) {
        let error = unreachableError ?? unreachableNow
        for job in batch {
            switch job {
            case .record(_, let continuation): continuation.resume(throwing: error)
            case .run(let body): _ = body(.failure(error))
            }
        }
    }
}
