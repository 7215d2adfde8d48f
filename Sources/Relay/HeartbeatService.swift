public import Alerts
import Ledger
public import Logging
public import ServiceLifecycle

/// Writes a heartbeat to the ledger about every period while the relay runs, so a sweep counts an
/// alert's silence only while the feed was observed alive.
public struct HeartbeatService: Service {
    let worker: LedgerWorker
    let runID: String
    let period: Duration
    let wallClock: WallClock
    let logger: Logger

    /// Creates the service; the relay writes the first and last heartbeats itself.
    public init(
        worker: LedgerWorker, runID: String, period: Duration, wallClock: @escaping WallClock, logger: Logger
    ) {
        self.worker = worker
        self.runID = runID
        self.period = period
        self.wallClock = wallClock
        self.logger = logger
    }

    public func run() async throws {
        await cancelWhenGracefulShutdown {
            // Ticks at most a second apart: a period after the last beat, or at once after the worker
            // (re)connected, so a run starts as soon as the ledger is there.
            let tick = min(period, .seconds(1))
            var beatenConnection = worker.connectionCount
            var sinceBeat = Duration.zero
            while !Task.isCancelled {
                if (try? await Task.sleep(for: tick)) == nil { return }
                sinceBeat += tick
                let connection = worker.connectionCount
                guard sinceBeat >= period || connection != beatenConnection else { continue }
                if await beat() { beatenConnection = connection }
                sinceBeat = .zero
            }
        }
    }

    /// Writes one heartbeat now; none while the ledger is unreachable. Returns whether it wrote one.
    ///
    /// After the worker reconnected, heartbeats go to a new run, so the outage counts as a gap in the
    /// observed feed rather than as time it was observed alive.
    @discardableResult
    public func beat() async -> Bool {
        let connection = worker.connectionCount
        let runID = connection > 1 ? "\(self.runID).\(connection)" : self.runID
        let now = wallClock()
        do {
            try await worker.perform { try $0.heartbeat(runID: runID, at: now) }
            return true
        } catch let error as LedgerError where error.isUnreachable {
            // The worker logged the loss and reconnects; the first beat after that starts the new run.
            return false
        } catch {
            logger.error("cannot write a heartbeat", metadata: ["error": "\(error)"])
            return false
        }
    }
}
