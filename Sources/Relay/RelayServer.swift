public import Alerts
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
    ///   - location: where the ledger lives, for messages (never holding a password).
    ///   - ledger: the ledger opened at start, from now on used only by the relay's worker thread, or why
    ///     its database could not be reached: the relay then starts and answers 503 until it can.
    ///   - reopen: opens the ledger again after its database was lost.
    ///   - client: the BigPanda client, or nil with `forward: false`.
    ///   - onListening: called with the bound port once the server accepts connections.
    public static func run(
        options: RelayOptions,
        location: String,
        ledger: Result<any LedgerStore, LedgerError>,
        reopen: @escaping @Sendable () throws -> any LedgerStore,
        client: AlertsClient?,
        logger: Logger,
        wallClock: @escaping WallClock,
        onListening: @escaping @Sendable (Int) -> Void = { _ in }
    ) async throws {
        let worker = LedgerWorker(
            location: location, initial: ledger, reopen: reopen, wallClock: wallClock, logger: logger)
        defer { worker.stop() }
        let state = RelayState()
        let runID = runIdentifier()
        let heartbeat = HeartbeatService(
            worker: worker, runID: runID, period: options.heartbeatPeriod, wallClock: wallClock, logger: logger)
        await heartbeat.beat()

        let router = Router()
        let handler = AlertsHandler(
            options: options, worker: worker, state: state, wallClock: wallClock, logger: logger)
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

    /// A heartbeat run's identifier: host name, process id and a random part, e.g. `web-1:4242:9f2c…`,
    /// so runs of several relays on one ledger never share one.
    static func runIdentifier() -> String {
        var buffer = [CChar](repeating: 0, count: 256)
        let named = gethostname(&buffer, buffer.count - 1) == 0
        let host = named ? String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self) : ""
        let random = String(UInt64.random(in: 0...UInt64.max), radix: 16)
        return "\(host.isEmpty ? "relay" : host):\(getpid()):\(random)"
    }
}
