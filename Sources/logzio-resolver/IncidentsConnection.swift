import BigPanda
import Curl
import Logging
import Redaction
import ResolverConfiguration
import Staleness

/// What reconcile and `--verify` need from BigPanda's Incidents API: the user API key, the environment
/// and the scope (exit 78 naming what is missing), and a libcurl client.
struct IncidentsConnection {
    let curl: CurlClient
    let client: IncidentsClient
    let sourceSystem: GlobPattern?

    /// Reads the key and settings, or throws exit 78 naming each one that is missing. Closing adopted
    /// alerts by id needs no scope (`needsScope: false`).
    init(config: ResolverConfig, logger: Logger, command: String, needsScope: Bool = true) throws {
        let apiKey: Secret?
        do {
            apiKey = try TokenSource.bigPandaAPIKey(config: config, environment: Environment.values) {
                Output.stderr("logzio-resolver: \($0)")
            }
        } catch {
            throw CLIError.config(error.description)
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
            throw CLIError.config("\(command) needs " + missing.joined(separator: "; and "))
        }
        Redactor.shared.add(apiKey.value)
        do {
            curl = try CurlClient(options: CurlClientOptions(userAgent: AlertsClient.userAgent, caFile: config.caFile))
        } catch {
            throw CLIError.failed("cannot start the HTTP client: \(error)")
        }
        client = IncidentsClient(
            options: config.incidentsOptions(apiKey: apiKey, environmentID: environmentID), curl: curl, logger: logger)
        self.sourceSystem = config.sourceSystem
    }

    /// The scope, which reconcile and `--verify` require (checked at construction).
    var scope: GlobPattern {
        get throws {
            guard let sourceSystem else { throw CLIError.config("bigpanda.source_system is not set") }
            return sourceSystem
        }
    }

    /// Stops the client's thread.
    func shutdown() {
        curl.shutdown()
    }

    /// The exit code and message for an Incidents API failure: 78 for a refusal, else 1.
    static func cliError(_ error: IncidentsError) -> CLIError {
        switch error {
        case .refused: CLIError.config(error.description)
        case .failed: CLIError.failed(error.description)
        }
    }
}
