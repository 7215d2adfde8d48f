import BigPanda
import Curl
import Logging
import Redaction
import ResolverConfiguration
import Sweep

/// The BigPanda client a sending command needs: the token (exit 78 without one) and a libcurl client.
struct BigPandaConnection {
    let curl: CurlClient
    let client: AlertsClient

    /// Reads the token and starts the client. `missingHint` is added to the error when no token is set.
    init(config: ResolverConfig, logger: Logger, missingHint: String = "") throws {
        let token: Secret?
        do {
            token = try TokenSource.bigPandaToken(config: config, environment: Environment.values) {
                Output.stderr("logzio-resolver: \($0)")
            }
        } catch {
            throw CLIError.config(error.description)
        }
        guard let token else {
            throw CLIError.config(
                "no BigPanda token: set BIGPANDA_TOKEN, BIGPANDA_TOKEN_FILE or bigpanda.token_file\(missingHint)")
        }
        Redactor.shared.add(token.value)
        do {
            curl = try CurlClient(options: CurlClientOptions(userAgent: AlertsClient.userAgent, caFile: config.caFile))
        } catch {
            throw CLIError.failed("cannot start the HTTP client: \(error)")
        }
        // A sweep's SIGTERM or SIGINT (StopSignal) also stops retries; other commands never set it.
        client = AlertsClient(
            options: config.clientOptions(token: token), curl: curl, logger: logger,
            stopRequested: { StopSignal.isRequested }, stopCause: Sweeper.stoppedBySignal)
    }

    /// Stops the client's thread.
    func shutdown() {
        curl.shutdown()
    }
}
