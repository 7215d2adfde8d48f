import Ledger
public import Logging
public import ServiceLifecycle

/// Writes a heartbeat to the ledger about every period while the relay runs, so a sweep counts an
/// alert's silence only while the feed was observed alive.
public struct HeartbeatService: Service {
    let worker: LedgerWorker
    let runID: String
    let period: Double
    let clock: @Sendable () -> Int64
    let logger: Logger

    /// Creates the service; the relay writes the first and last heartbeats itself.
    public init(
        worker: LedgerWorker, runID: String, period: Double, clock: @escaping @Sendable () -> Int64, logger: Logger
    ) {
        self.worker = worker
        self.runID = runID
        self.period = period
        self.clock = clock
        self.logger = logger
    }

    public func run() async throws {
        await cancelWhenGracefulShutdown {
            while !Task.isCancelled {
                if (try? await Task.sleep(for: .seconds(period))) == nil { return }
                await beat()
            }
        }
    }

    /// Writes one heartbeat now; none while the ledger is unreachable.
    ///
    /// After the worker reconnected, heartbeats go to a new run, so the outage counts as a gap in the
    /// observed feed rather than as time it was observed alive.
    public func beat() async {
        let connection = worker.connectionCount
        let runID = connection > 1 ? "\(self.runID).\(connection)" : self.runID
        let now = clock()
        do {
            try await worker.perform { try $0.heartbeat(runID: runID, at: now) }
        } catch let error as LedgerError where error.isUnreachable {
            // The worker logged the loss and reconnects; the next beat after that starts the new run.
        } catch {
            logger.error("cannot write a heartbeat", metadata: ["error": "\(error)"])
        }
    }
}
