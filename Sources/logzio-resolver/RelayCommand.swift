import ArgumentParser
import BigPanda
import Curl
import Ledger
import Logging
import Postgres
import PostgresLedger
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

    /// A period a test set in the environment (positive seconds, under a billion so it fits a `Duration`), or
    /// nil: production never sets these.
    static func testSeconds(_ name: String) -> Duration? {
        guard let text = Environment.values[name], let seconds = Double(text), seconds > 0, seconds < 1e9 else {
            return nil
        }
        return .seconds(seconds)
    }

    func run() async throws {
        let logger = logging.makeLogger()
        let config = try ledgerOptions.load()
        let warn: (String) -> Void = { Output.stderr("logzio-resolver: \($0)") }
        let relayToken: Secret
        do {
            guard let token = try TokenSource.relayToken(config: config, environment: Environment.values, warn: warn)
            else {
                throw CLIError.config("no relay token: set LOGZIO_RESOLVER_RELAY_TOKEN or relay.token_file")
            }
            relayToken = token
        } catch let error as ConfigError {
            throw CLIError.config(error.description)
        }
        Redactor.shared.add(relayToken.value)
        guard let address = RelayOptions.parseListen(listen ?? config.relayListen) else {
            throw CLIError.config("relay.listen: \"\(config.relayListen)\" is not HOST:PORT, e.g. 127.0.0.1:8787")
        }

        let connection =
            config.relayForward
            ? try BigPandaConnection(
                config: config, logger: logger, missingHint: " (or relay.forward: false to record only)")
            : nil
        defer { connection?.shutdown() }

        let ledger = try Self.openRelayLedger(config.ledger)
        var options = RelayOptions(
            host: address.host, port: address.port, token: relayToken, forward: config.relayForward,
            maxBody: config.relayMaxBody, defaultAppKey: config.appKey, batchSize: config.batchSize)
        options.publicMetrics = config.relayPublicMetrics
        // Test-only: the end-to-end tests shorten these periods; they are not documented for operators.
        if let period = Self.testSeconds("LOGZIO_RESOLVER_TEST_HEARTBEAT_SECONDS") {
            options.heartbeatPeriod = period
        }
        options.unauthorizedPause = Self.testSeconds("LOGZIO_RESOLVER_TEST_UNAUTHORIZED_PAUSE_SECONDS") ?? .seconds(60)
        do {
            try await RelayServer.run(
                options: options, location: ledger.location, ledger: ledger.initial, reopen: ledger.reopen,
                client: connection?.client, logger: logger, wallClock: wallClock
            ) { port in
                logger.info("relay listening", metadata: ["relay.address": "\(address.host):\(port)"])
            }
        } catch {
            throw CLIError.failed("the relay stopped: \(error)")
        }
    }

    /// Opens the relay's ledger. A PostgreSQL database that cannot be reached does not stop the relay:
    /// it starts, answers 503 and connects in the background. A refused login or a missing database is
    /// still configuration (exit 78), and SQLite opens as every command opens it.
    static func openRelayLedger(_ text: String) throws -> (
        location: String, initial: Result<any LedgerStore, LedgerError>,
        reopen: @Sendable () throws -> any LedgerStore
    ) {
        guard PostgresConnectionString.isPostgres(text) else {
            let ledger = try openLedger(text)
            return (ledger.location, .success(ledger), { try openLedger(text) })
        }
        do {
            let string = try PostgresConnectionString(text)
            let reopen: @Sendable () throws -> any LedgerStore = { try PostgresLedger(string) }
            do {
                return (string.target, .success(try PostgresLedger(string)), reopen)
            } catch let error as LedgerError where error.isUnreachable {
                return (string.target, .failure(error), reopen)
            }
        } catch {
            throw CLIError.config("\(error) (check ledger, LOGZIO_RESOLVER_LEDGER or --ledger)")
        }
    }
}
