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

    /// Writes one heartbeat now.
    public func beat() async {
        let runID = runID
        let now = clock()
        do {
            try await worker.perform { try $0.heartbeat(runID: runID, at: now) }
        } catch {
            logger.error("cannot write a heartbeat", metadata: ["error": "\(error)"])
        }
    }
}
