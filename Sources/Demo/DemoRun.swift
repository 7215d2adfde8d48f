public import Alerts
import AlertsStandIn
import BigPanda
import Curl
import Ledger
public import Logging
import Logzio
import LogzioStandIn
public import Operations
import Reconcile
import Redaction
import Staleness
import StandInServer
import Sweep

#if canImport(Glibc)
    import Glibc
#endif

/// `demo`: a real sweep through libcurl against a local stand-in for BigPanda, then the cleanup before
/// an uninstall, with no account needed; its narrative goes to `say`, a line at a time.
public struct DemoRun {
    static let token = "demo-token-not-a-secret"
    static let apiKey = "demo-user-api-key-not-a-secret"
    static let appKey = "demo-app-key"

    /// Where the narrative goes, a line at a time.
    let say: (String) -> Void
    /// The logger.
    let logger: Logger
    /// The wall clock.
    let wallClock: WallClock

    /// Creates a demo.
    public init(logger: Logger, wallClock: @escaping WallClock, say: @escaping (String) -> Void) {
        self.logger = logger
        self.wallClock = wallClock
        self.say = say
    }

    /// Runs the demo against stand-ins served on 127.0.0.1, with a temporary ledger in memory.
    public func run() async throws(OperationError) {
        let standIn = AlertsStandIn(token: Self.token, appKeys: [Self.appKey], apiKey: Self.apiKey)
        do {
            try await StandInServer.run(serving: standIn) { server in
                try await show(standIn: standIn, server: server, logger: logger)
            }
        } catch let error as StandInServerError {
            throw .failed("cannot start the local stand-in: \(error)")
        } catch let error as OperationError {
            throw error
        } catch {
            throw .failed("\(error)")
        }
    }

    /// The demo proper, with the stand-in for BigPanda served at `server`.
    private func show(standIn: AlertsStandIn, server: StandInServer, logger: Logger) async throws {
        let alertsURL = server.baseURL + AlertsStandIn.alertsPath
        let now = wallClock()
        let samples: [(fields: [(String, JSONValue)], ago: Int64)] = [
            ([("host", .string("web-1")), ("check", .string("High error rate"))], 3 * 3600 + 12 * 60),
            ([("service", .string("payments-api")), ("check", .string("p99 latency above 2s"))], 2 * 3600),
            ([("host", .string("db-1")), ("check", .string("Disk almost full"))], 9 * 3600),
            ([("host", .string("web-2")), ("check", .string("5xx spike"))], 10 * 60),
            ([("host", .string("worker-7")), ("check", .string("Queue backlog"))], 95 * 60),
            (
                [
                    ("service", .string("search-api")), ("check", .string("Slow queries")),
                    ("alert_definition_id", .string("102")),
                ], 3 * 3600 + 10 * 60
            ),
        ]
        // A temporary ledger in memory: nothing is written to disk, and it is gone when the demo ends.
        let ledger = try LedgerLocation.memory(name: "demo-\(getpid())").open(.readWrite())
        var events: [IncomingEvent] = []
        for sample in samples {
            var payload = JSONObject([("app_key", .string(Self.appKey)), ("status", .string("critical"))])
            for (key, value) in sample.fields { payload[key] = value }
            payload["description"] = .string("Logz.io alert fired")
            payload["severity"] = .string("HIGH")
            do {
                let alert = try Alert.validate(.object(payload), defaultAppKey: nil)
                events.append(IncomingEvent(alert: alert, receivedAt: now - sample.ago))
            } catch {
                throw OperationError.failed("demo data is invalid: \(error)")
            }
        }
        try ledger.record(events, recordedAt: now)
        // BigPanda knows what was forwarded, and two alerts forwarded before logzio-resolver was installed.
        standIn.setResolveDelay(.milliseconds(500))
        standIn.seed(events.enumerated().map { index, event in standInAlert(event, id: String(101 + index)) })
        standIn.seed([
            demoRemote("201", host: "web-9", check: "Heap usage high", ago: 26 * 3600),
            demoRemote("202", host: "cache-2", check: "Evictions spike", ago: 40 * 60),
        ])

        let policy = StalenessPolicy(
            defaultStaleAfter: .after(.seconds(3600)),
            rules: try demoRules()
        )
        // A person snoozed worker-7's incident in BigPanda for two hours: keep_when: [snoozed] keeps it.
        standIn.snooze(incidentID: "inc-105", until: now + 2 * 3600)
        say(
            "logzio-resolver demo: a temporary ledger, and a stand-in for BigPanda's Alerts API at \(alertsURL)"
        )
        say("")
        say(
            "Rules: stale_after 1h by default; \"payments\" (service: payments*) 3h; \"disks-by-hand\" (check: Disk*) never; \"search\" (service: search*) auto, from its Logz.io alert definition."
        )
        say("Recorded \(events.count) alerts as if Logz.io had forwarded them:")
        for event in events {
            say(
                "  \(event.alert.identity.display)  (last notification \(DurationText.format(now - event.receivedAt)) ago)"
            )
        }

        let curl = try CurlClient.started(caFile: nil)
        defer { curl.shutdown() }
        var clientOptions = AlertsClientOptions(alertsURL: alertsURL, token: Secret(Self.token))
        clientOptions.requestsPerSecond = 0
        clientOptions.deadline = .seconds(10)
        let client = AlertsClient(options: clientOptions, curl: curl, logger: logger)
        var incidentOptions = IncidentsClientOptions(
            apiURL: server.baseURL, apiKey: Secret(Self.apiKey), environmentID: standIn.environmentID)
        incidentOptions.requestsPerSecond = 0
        incidentOptions.deadline = .seconds(10)
        let incidents = IncidentsClient(options: incidentOptions, curl: curl, logger: logger)
        var options = SweepOptions(now: now, policy: policy)
        options.blastRadius.maxResolveFraction = 1
        let sweeper = Sweeper(ledger: ledger, options: options, client: client, logger: logger, wallClock: wallClock)
        sweeper.auto = try await demoDefinitions(curl: curl, logger: logger, now: now)
        sweeper.incidents = incidents
        sweeper.people = PeopleSettings(keepWhen: { _ in [.snoozed] }, usesHolds: true)
        let report = try await sweeper.run()

        say("")
        say(
            "Sweep (through libcurl): \(report.open) open, \(report.stale) stale, \(report.resolved) resolved, \(report.failed) failed."
        )
        for action in report.actions.sorted(by: { $0.action == .resolved && $1.action != .resolved }) {
            let verb = action.action == .resolved ? "closed" : action.action.rawValue
            let status = action.httpStatus.map { " [BigPanda stand-in answered \($0)]" } ?? ""
            say("  \(verb.padding(6))  \(action.identity): \(action.reason)\(status)")
        }
        let received = standIn.received
        let batches = Set(received.map(\.request)).count
        say("")
        say(
            "The stand-in accepted \(received.count) ok event\(received.count == 1 ? "" : "s") in \(batches) request\(batches == 1 ? "" : "s"). The first one:"
        )
        if let first = received.first {
            say("  " + first.alert.serialized())
        }
        say("")
        say("What people see in BigPanda (keep_when: [snoozed], comment_on_close: true):")
        for action in report.actions where action.heldBy != nil {
            say("  kept    \(action.identity): \(action.reason)")
        }
        if let comment = standIn.comments.first {
            say("  the comment on incident \(comment.incidentID), one of \(standIn.comments.count):")
            say("    \(comment.text)")
        }
        try await cleanUp(
            ledger: ledger, standIn: standIn, apiURL: server.baseURL, incidents: incidents, client: client,
            policy: policy, logger: logger)
        say("")
        say(
            "Next: point logzio-resolver at your ledger and BigPanda (see README.md), preview with `sweep --dry-run`, then add cron.example to your crontab."
        )
        if report.failed > 0 {
            throw OperationError.failed(
                "the demo sweep did not deliver \(report.failed) ok events: \(report.errors.joined(separator: "; "))")
        }
    }

    /// The cleanup before an uninstall: `sweep --all --verify` against the stand-in's Incidents API.
    private func cleanUp(
        ledger: any LedgerBackend, standIn: AlertsStandIn, apiURL: String, incidents: IncidentsClient,
        client: AlertsClient, policy: StalenessPolicy, logger: Logger
    ) async throws {
        say("")
        say(
            "Cleaning up before an uninstall (sweep --all --verify), with the stand-in's Incidents API at \(apiURL):"
        )
        let scope: GlobPattern
        do {
            scope = try GlobPattern("logzio*")
        } catch {
            throw OperationError.failed("demo scope is invalid: \(error.reason)")
        }
        var cleanup = Cleanup(
            ledger: ledger, incidents: incidents, sender: client, scope: scope,
            sweepOptions: SweepOptions(now: wallClock(), policy: policy), logger: logger, wallClock: wallClock)
        // The uninstall closes everything: what a person snoozed too (sweep --all --ignore-holds).
        var people = PeopleSettings(keepWhen: { _ in [.snoozed] }, usesHolds: true)
        people.ignoreHolds = true
        cleanup.people = people
        cleanup.verifyInterval = .seconds(1)
        cleanup.verifyTimeout = .seconds(20)
        let result = try await cleanup.run()
        let reconciled = result.reconciled
        say(
            "  1. reconcile: BigPanda shows \(reconciled.bigPandaActive) active; \(reconciled.count(.tracked)) tracked by the ledger, \(reconciled.count(.pending)) just closed (pending), \(reconciled.count(.untracked)) never seen, adopted:"
        )
        for entry in reconciled.entries where entry.reconcileClass == .untracked {
            say("       \(entry.identity)  (BigPanda alert \(entry.bigPandaAlertID ?? "-"))")
        }
        let swept = result.swept
        let byID = swept.actions.filter { $0.action == .resolved && $0.appKey == Adoption.unknownAppKey }.count
        say(
            "  2. sweep --all: \(swept.resolved) closed, \(swept.resolved - byID) by ok event and \(byID) by BigPanda alert id (their app key is unknown)"
        )
        let verified = result.verification ?? Verifier.Result()
        say(
            "  3. verify: BigPanda applies closes a little later; after \(verified.searches) search\(verified.searches == 1 ? "" : "es") it shows \(verified.stillActive.count) active alerts in scope: \(verified.verified ? "verified" : "NOT verified")"
        )
        if !verified.verified {
            throw OperationError.failed("the demo's cleanup left \(verified.stillActive.count) alerts active")
        }
    }

    /// Reads the alert definitions from a local stand-in for Logz.io's API, for the "search" rule's
    /// `stale_after: auto`, and prints the derivation.
    private func demoDefinitions(curl: CurlClient, logger: Logger, now: Int64) async throws -> AutoResolver {
        let logzio = LogzioStandIn(token: Self.token, definitions: StandInDefinition.sampleAccount())
        do {
            return try await StandInServer.run(serving: logzio) { server in
                try await autoResolver(apiURL: server.baseURL, curl: curl, logger: logger, now: now)
            }
        } catch let error as StandInServerError {
            throw OperationError.failed("cannot start the local Logz.io stand-in: \(error)")
        }
    }

    /// Reads the definitions from the Logz.io stand-in at `apiURL` and prints the derivation for "search".
    private func autoResolver(apiURL: String, curl: CurlClient, logger: Logger, now: Int64) async throws
        -> AutoResolver
    {
        let client = LogzioClient(
            options: LogzioClientOptions(apiURL: apiURL, token: Secret(Self.token)), curl: curl, logger: logger)
        let list: DefinitionList
        do {
            list = try await client.fetchDefinitions()
        } catch {
            throw OperationError.failed("the demo's Logz.io stand-in failed: \(error)")
        }
        let field = "alert_definition_id"
        let resolver: AutoResolver = { payload, parameters, evidence in
            AutoResolution.decide(
                definitionID: AlertDefinition.usableID(payload[field]), idField: field, definitions: list.byID,
                everListed: list.ids, parameters: parameters, triggersVerified: evidence.isVerified, now: now)
        }
        if case .staleAfter(let seconds, let source) = resolver(
            JSONObject([("alert_definition_id", .string("102"))]), AutoParameters(), .none)
        {
            say(
                "stale_after: auto for service=search-api (Logz.io alert 102, read from a local stand-in for Logz.io's API at \(apiURL)): \(DurationText.format(seconds)), \(source)"
            )
        }
        return resolver
    }
}

extension String {
    /// The string padded with spaces to `width` characters.
    func padding(_ width: Int) -> String {
        count >= width ? self : self + String(repeating: " ", count: width - count)
    }
}
