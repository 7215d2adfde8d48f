public import BigPanda
import Foundation
import Hummingbird
public import Ledger
public import Logging
import ServiceLifecycle
import UnixSignals

/// The relay: `POST /data/v2/alerts` records each alert with an outbox row, answers 202, and a
/// forwarder delivers the outbox to BigPanda. `GET /healthz` reports the ledger and the outbox.
public enum RelayServer {
    /// Runs until SIGTERM or SIGINT, then finishes the requests in flight, writes a last heartbeat and returns.
    ///
    /// - Parameters:
    ///   - ledger: the ledger; from now on used only by the relay's worker thread.
    ///   - client: the BigPanda client, or nil with `forward: false`.
    ///   - onListening: called with the bound port once the server accepts connections.
    public static func run(
        options: RelayOptions,
        ledger: any LedgerStore,
        client: AlertsClient?,
        logger: Logger,
        clock: @escaping @Sendable () -> Int64,
        onListening: @escaping @Sendable (Int) -> Void = { _ in }
    ) async throws {
        let worker = LedgerWorker(ledger: ledger, clock: clock)
        defer { worker.stop() }
        let state = RelayState()
        let runID = "\(getpid())-\(UInt64.random(in: 0...UInt64.max))"
        let heartbeat = HeartbeatService(
            worker: worker, runID: runID, period: options.heartbeatPeriod, clock: clock, logger: logger)
        await heartbeat.beat()

        let router = Router()
        let handler = AlertsHandler(options: options, worker: worker, state: state, clock: clock, logger: logger)
        router.post("/data/v2/alerts") { request, _ in await handler.handle(request) }
        router.get("/healthz") { _, _ in await handler.health() }
        router.get("/metrics") { request, _ in await handler.metrics(request) }

        var services: [any Service] = [heartbeat]
        if options.forward, let client {
            services.append(
                Forwarder(
                    worker: worker, client: client, state: state, logger: logger, batchSize: options.batchSize,
                    unauthorizedPause: options.unauthorizedPause))
        }
        let app = Application(
            router: router,
            configuration: ApplicationConfiguration(
                address: .hostname(options.host, port: options.port), serverName: nil),
            services: services,
            onServerRunning: { channel in onListening(channel.localAddress?.port ?? options.port) },
            logger: logger
        )
        // Requests that arrive once SIGTERM is in get 503 with Connection: close.
        let stopWatcher = Task {
            for await _ in await UnixSignalsSequence(trapping: .sigterm, .sigint) {
                state.setStopping()
                return
            }
        }
        defer { stopWatcher.cancel() }
        try await app.runService()
        await heartbeat.beat()
    }
}
