public import BigPanda
public import Curl
import Redaction
public import ResolverConfiguration

/// The BigPanda client a sending command needs: the org token (exit 78 without one) and a libcurl client.
public struct BigPandaConnection {
    /// The libcurl client; `shutdown()` stops its thread.
    public let curl: CurlClient
    /// The Alerts API client.
    public let client: AlertsClient

    /// Reads the token and starts the client. `missingHint` is added to the error when no token is set.
    /// `stopRequested` (a sweep's signal) also stops retries; `stopCause` says why in the messages.
    public init(
        config: ResolverConfig, context: OperationContext, missingHint: String = "",
        stopRequested: @escaping @Sendable () -> Bool = { false }, stopCause: String = "the run was stopped"
    ) throws(OperationError) {
        let token: Secret?
        do {
            token = try TokenSource.bigPandaToken(config: config, environment: context.environment, warn: context.warn)
        } catch {
            throw .config(error.description)
        }
        guard let token else {
            throw .config(
                "no BigPanda token: set BIGPANDA_TOKEN, BIGPANDA_TOKEN_FILE or bigpanda.token_file\(missingHint)")
        }
        Redactor.shared.add(token.value)
        curl = try CurlClient.started(caFile: config.caFile)
        client = AlertsClient(
            options: config.clientOptions(token: token), curl: curl, logger: context.logger,
            stopRequested: stopRequested, stopCause: stopCause)
    }

    /// Stops the client's thread.
    public func shutdown() {
        curl.shutdown()
    }
}

extension CurlClient {
    /// A client with logzio-resolver's User-Agent and the configured CA bundle; exit 1 when libcurl
    /// cannot start.
    public static func started(caFile: String?) throws(OperationError) -> CurlClient {
        do {
            return try CurlClient(options: CurlClientOptions(userAgent: AlertsClient.userAgent, caFile: caFile))
        } catch {
            throw .failed("cannot start the HTTP client: \(error)")
        }
    }
}
