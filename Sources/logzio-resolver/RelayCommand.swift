import ArgumentParser
import Ledger
import Logging
import Operations
import Redaction
import Relay
import ResolverConfiguration

/// `relay`: the HTTP receiver a Logz.io Custom endpoint posts to.
struct RelayCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "relay",
        abstract: "Receive alerts from Logz.io, record each one, and forward it to BigPanda.",
        discussion: """
            Serves POST /data/v2/alerts (the same path and body as BigPanda's Alerts API) and GET /healthz. \
            It answers 202 once an alert is committed to the ledger, and a forwarder delivers it to BigPanda. \
            Needs the relay token (LOGZIO_RESOLVER_RELAY_TOKEN or relay.token_file) and, unless relay.forward \
            is false, the BigPanda token. Stops cleanly on SIGTERM.
            """
    )

    @OptionGroup var ledgerOptions: LedgerOptions

    @Option(name: .long, help: "The address to listen on, HOST:PORT. Default: relay.listen, else 127.0.0.1:8787.")
    var listen: String?

    @OptionGroup var logging: LoggingOptions

    func validate() throws {
        if let listen, RelayOptions.parseListen(listen) == nil {
            throw ValidationError("--listen \"\(listen)\" is not HOST:PORT, e.g. 127.0.0.1:8787")
        }
    }

    func run() async throws {
        let context = logging.makeContext()
        let logger = context.logger
        let (config, ledger) = try ledgerOptions.load()
        let relayToken: Secret
        do {
            guard
                let token = try TokenSource.relayToken(
                    config: config, environment: context.environment, warn: context.warn)
            else {
                throw OperationError.config("no relay token: set LOGZIO_RESOLVER_RELAY_TOKEN or relay.token_file")
            }
            relayToken = token
        } catch let error as ConfigError {
            throw OperationError.config(error.description)
        }
        Redactor.shared.add(relayToken.value)
        guard let address = RelayOptions.parseListen(listen ?? config.relayListen) else {
            throw OperationError.config("relay.listen: \"\(config.relayListen)\" is not HOST:PORT, e.g. 127.0.0.1:8787")
        }

        let connection =
            config.relayForward
            ? try BigPandaConnection(
                config: config, context: context, missingHint: " (or relay.forward: false to record only)")
            : nil
        defer { connection?.shutdown() }

        // A PostgreSQL database that cannot be reached does not stop the relay: it starts, answers 503 and
        // connects in the background.
        let opened: (initial: Result<any LedgerStore, LedgerError>, reopen: @Sendable () throws -> any LedgerStore)
        do {
            opened = try ledger.openForRelay()
        } catch {
            throw OperationError(opening: error)
        }
        var options = RelayOptions(
            host: address.host, port: address.port, token: relayToken, forward: config.relayForward,
            maxBody: config.relayMaxBody, defaultAppKey: config.appKey, batchSize: config.batchSize)
        options.publicMetrics = config.relayPublicMetrics
        // Test-only: the end-to-end tests shorten these periods; they are not documented for operators.
        if let period = context.testPeriod("LOGZIO_RESOLVER_TEST_HEARTBEAT_SECONDS") {
            options.heartbeatPeriod = period
        }
        options.unauthorizedPause =
            context.testPeriod("LOGZIO_RESOLVER_TEST_UNAUTHORIZED_PAUSE_SECONDS") ?? .seconds(60)
        do {
            try await RelayServer.run(
                options: options, location: ledger.description, ledger: opened.initial, reopen: opened.reopen,
                client: connection?.client, logger: logger, wallClock: wallClock
            ) { port in
                logger.info("relay listening", metadata: ["relay.address": "\(address.host):\(port)"])
            }
        } catch {
            throw OperationError.failed("the relay stopped: \(error)")
        }
    }
}
