public import BigPanda
public import Redaction
public import Staleness

/// Every setting, validated once: the config file's values over the built-in defaults,
/// then the environment over both. Command-line flags are applied by the commands.
public struct ResolverConfig: Sendable {
    /// The ledger file (`ledger`, `LOGZIO_RESOLVER_LEDGER`), default `./logzio-resolver.sqlite`.
    public var ledger = "./logzio-resolver.sqlite"
    /// Where events go (`bigpanda.alerts_url`, `BIGPANDA_ALERTS_URL`).
    public var alertsURL = AlertsClientOptions.defaultAlertsURL
    /// A file holding the org bearer token (`bigpanda.token_file`, `BIGPANDA_TOKEN_FILE`).
    public var tokenFile: String?
    /// The app key for alerts that carry none (`bigpanda.app_key`, `BIGPANDA_APP_KEY`).
    public var appKey: String?
    /// A CA bundle for a private CA (`bigpanda.ca_file`); nil uses the system's.
    public var caFile: String?
    /// The pacing ceiling in requests per second (`bigpanda.requests_per_second`), default 5; 0 is unpaced.
    public var requestsPerSecond: Double = 5
    /// The most alerts in one request (`bigpanda.batch_size`), default 100.
    public var batchSize = 100
    /// The per-request timeout (`bigpanda.timeout`), default 10s.
    public var timeout: Duration = .seconds(10)
    /// The span after which no retry starts in one run (`bigpanda.deadline`), default 4m.
    public var deadline: Duration = .seconds(240)
    /// The default rule and the ordered rules (`stale_after`, `rules`).
    public var policy = StalenessPolicy()
    /// The safety limits (`max_resolves_per_run`, default 500; `max_resolve_fraction`, default 0.5), for
    /// the sweep's stale alerts and reconcile's drift.
    public var blastRadius = BlastRadius()
    /// Prune resolved history older than this (`retention`); nil keeps all.
    public var retention: Duration?
    /// The Prometheus textfile to write after each sweep (`metrics_file`).
    public var metricsFile: String?
    /// A Prometheus Pushgateway to push each `sweep`'s and `reconcile`'s metrics to (`metrics_push`).
    public var metricsPush: String?
    /// The relay's listen address (`relay.listen`), default `127.0.0.1:8787`.
    public var relayListen = "127.0.0.1:8787"
    /// A file holding the relay's bearer token (`relay.token_file`).
    public var relayTokenFile: String?
    /// Whether the relay forwards to BigPanda (`relay.forward`), default true.
    public var relayForward = true
    /// The largest relay request body in bytes (`relay.max_body`), default 1 MiB.
    public var relayMaxBody = 1 << 20
    /// The Incidents API base URL (`bigpanda.api_url`, `BIGPANDA_API_URL`), default `https://api.bigpanda.io`.
    public var apiURL = IncidentsClientOptions.defaultAPIURL
    /// A file holding the user API key (`bigpanda.api_key_file`, `BIGPANDA_API_KEY_FILE`).
    public var apiKeyFile: String?
    /// The environment reconcile searches (`bigpanda.environment_id`, `BIGPANDA_ENVIRONMENT_ID`).
    public var environmentID: String?
    /// A glob on an alert's `source_system`: the scope of reconcile (`bigpanda.source_system`).
    public var sourceSystem: GlobPattern?
    /// Extra BPQL that narrows the incident search (`bigpanda.incident_query`).
    public var incidentQuery: String?
    /// The pacing of Incidents API requests in requests per second (`bigpanda.api_requests_per_second`),
    /// default 2; 0 is unpaced.
    public var apiRequestsPerSecond: Double = 2
    /// The Logz.io API, for `stale_after: auto` (`logzio.api_url`, `LOGZIO_API_URL`), default `https://api.logz.io`.
    public var logzioAPIURL = "https://api.logz.io"
    /// A file holding the Logz.io API token (`logzio.token_file`, `LOGZIO_API_TOKEN_FILE`).
    public var logzioTokenFile: String?
    /// How old fetched definitions may be when Logz.io cannot be reached (`logzio.cache_max_age`), default 1d.
    public var logzioCacheMaxAge: Duration = .seconds(86_400)
    /// The span after a close during which a still-active alert is `pending`, not drift
    /// (`bigpanda.close_grace`), default 2m.
    public var closeGrace: Duration = .seconds(120)
    /// Whether to search Logz.io's trigger log before deciding (`logzio.evidence`); nil takes the default,
    /// on when a Logz.io token source is configured (see `evidenceEnabled(environment:)`).
    public var logzioEvidence: Bool?
    /// The line of `logzio.evidence` in the config file, for the error when it is on without a token.
    var evidenceLine: Int?
    /// The event-log field holding the definition id (`logzio.evidence_field`), default
    /// `logzio-alert-definition-id`.
    public var evidenceField = "logzio-alert-definition-id"
    /// Lucene text ANDed to the evidence search (`logzio.evidence_query`).
    public var evidenceQuery: String?
    /// The other Logz.io accounts (`logzio.accounts`), each with its own token and API URL.
    public var logzioAccounts: [LogzioAccountConfig] = []
    /// The payload field naming an alert's Logz.io account (`logzio.account_field`), default
    /// `logzio_account_id`.
    public var accountField = "logzio_account_id"
    /// What a person set in BigPanda keeps an alert open (`keep_when`), for the default rule and every
    /// rule that sets none; default none.
    public var keepWhen: Set<IncidentHold> = []
    /// The rules' own `keep_when`, by rule name; a rule's replaces the top level's.
    public var ruleKeepWhen: [String: Set<IncidentHold>] = [:]
    /// Whether to comment on each incident a run closed (`bigpanda.comment_on_close`), default true.
    public var commentOnClose = true
    /// The most comments one run posts (`bigpanda.max_comments_per_run`), default 200.
    public var maxCommentsPerRun = 200
    /// Whether the relay serves `GET /metrics` without its token (`relay.public_metrics`), default false.
    public var relayPublicMetrics = false

    /// The built-in defaults.
    public init() {}

    /// Options for the Alerts API client with this configuration and a token.
    public func clientOptions(token: Secret) -> AlertsClientOptions {
        AlertsClientOptions(
            alertsURL: alertsURL,
            token: token,
            requestsPerSecond: requestsPerSecond,
            timeout: timeout,
            deadline: deadline,
            caFile: caFile
        )
    }

    /// Options for the Incidents API client with this configuration, a user API key and an environment.
    public func incidentsOptions(apiKey: Secret, environmentID: String) -> IncidentsClientOptions {
        IncidentsClientOptions(
            apiURL: apiURL,
            apiKey: apiKey,
            environmentID: environmentID,
            requestsPerSecond: apiRequestsPerSecond,
            timeout: timeout,
            deadline: deadline
        )
    }

    /// Whether evidence is on: as `logzio.evidence` says, else when a Logz.io token source is configured
    /// (`LOGZIO_API_TOKEN`, `LOGZIO_API_TOKEN_FILE`, `logzio.token_file`, or an account of
    /// `logzio.accounts`).
    public func evidenceEnabled(environment: [String: String]) -> Bool {
        logzioEvidence ?? hasLogzioTokenSource(environment: environment)
    }

    /// Whether some Logz.io token source is configured.
    public func hasLogzioTokenSource(environment: [String: String]) -> Bool {
        !(environment["LOGZIO_API_TOKEN"] ?? "").isEmpty || logzioTokenFile != nil || !logzioAccounts.isEmpty
    }

    /// The holds that keep an alert under `rule` open: the rule's own `keep_when`, else the top level's.
    public func keepWhen(rule: String) -> Set<IncidentHold> {
        ruleKeepWhen[rule] ?? keepWhen
    }

    /// Whether any rule keeps alerts for what people set in BigPanda.
    public var usesKeepWhen: Bool {
        !keepWhen.isEmpty || ruleKeepWhen.values.contains { !$0.isEmpty }
    }
}

/// One Logz.io account of `logzio.accounts`.
public struct LogzioAccountConfig: Sendable, Equatable {
    /// The account id, as alerts name it in `logzio.account_field` (compared as text).
    public var id: String
    /// The file holding the account's API token.
    public var tokenFile: String
    /// The account's API URL; nil takes `logzio.api_url`.
    public var apiURL: String?

    /// Creates an account.
    public init(id: String, tokenFile: String, apiURL: String? = nil) {
        self.id = id
        self.tokenFile = tokenFile
        self.apiURL = apiURL
    }
}
