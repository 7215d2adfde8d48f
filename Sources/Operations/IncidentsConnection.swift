public import BigPanda
public import Curl
import Redaction
public import ResolverConfiguration
public import Staleness

/// What reconcile, `--verify` and closing by id need from BigPanda's Incidents API: the user API key,
/// the environment and the scope (exit 78 naming what is missing), and a libcurl client.
public struct IncidentsConnection {
    /// The libcurl client; `shutdown()` stops its thread.
    public let curl: CurlClient
    /// The Incidents API client.
    public let client: IncidentsClient
    /// The scope, when set.
    public let sourceSystem: GlobPattern?

    /// Reads the key and settings, or throws exit 78 naming each one that is missing. Closing adopted
    /// alerts by id needs no scope (`needsScope: false`).
    public init(config: ResolverConfig, context: OperationContext, command: String, needsScope: Bool = true)
        throws(OperationError)
    {
        let apiKey: Secret?
        do {
            apiKey = try TokenSource.bigPandaAPIKey(
                config: config, environment: context.environment, warn: context.warn)
        } catch {
            throw .config(error.description)
        }
        var missing: [String] = []
        if apiKey == nil {
            missing.append(
                "a BigPanda user API key (set BIGPANDA_API_KEY, BIGPANDA_API_KEY_FILE or bigpanda.api_key_file; Settings → API Keys)"
            )
        }
        if config.environmentID == nil {
            missing.append(
                "the environment to search (set bigpanda.environment_id or BIGPANDA_ENVIRONMENT_ID; the id is in the console URL)"
            )
        }
        if needsScope, config.sourceSystem == nil {
            missing.append(
                "the scope (set bigpanda.source_system, a glob on the source_system of the integration's alerts, e.g. logzio*)"
            )
        }
        guard let apiKey, let environmentID = config.environmentID, missing.isEmpty else {
            throw .config("\(command) needs " + missing.joined(separator: "; and "))
        }
        Redactor.shared.add(apiKey.value)
        curl = try CurlClient.started(caFile: config.caFile)
        client = IncidentsClient(
            options: config.incidentsOptions(apiKey: apiKey, environmentID: environmentID), curl: curl,
            logger: context.logger)
        self.sourceSystem = config.sourceSystem
    }

    /// The scope, which reconcile and `--verify` require (checked at construction).
    public var scope: GlobPattern {
        get throws(OperationError) {
            guard let sourceSystem else { throw .config("bigpanda.source_system is not set") }
            return sourceSystem
        }
    }

    /// Stops the client's thread.
    public func shutdown() {
        curl.shutdown()
    }
}

extension OperationError {
    /// The exit status and message for an Incidents API failure: 78 for a refusal, else 1.
    public init(_ error: IncidentsError) {
        switch error {
        case .refused: self = .config(error.description)
        case .failed: self = .failed(error.description)
        }
    }
}
