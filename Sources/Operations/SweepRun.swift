import Alerts
import BigPanda
import Ledger
import Logging
public import Reconcile
public import ResolverConfiguration
import ResolverMetrics
import Staleness
public import Sweep

/// What one `sweep` is asked to do.
public struct SweepRequest: Sendable {
    /// Close every open alert in scope, ignoring the rules (`--all`).
    public var all = false
    /// Only this app key (`--app-key`).
    public var appKey: String?
    /// The time the rules are evaluated at (`--now`, else the wall clock).
    public var now: Int64
    /// Decide and report, but send and write nothing (`--dry-run`).
    public var dryRun = false
    /// Lift the blast-radius hold for this run (`--force`).
    public var force = false
    /// Whether the report lists the alerts kept open (`--json`, `--dry-run`).
    public var reportKept = false
    /// The cleanup: reconcile with adoption first, and search BigPanda until nothing is active (`--verify`).
    public var verify = false
    /// How long `--verify` keeps searching, from its first search.
    public var verifyTimeout: Duration = .seconds(300)
    /// The metrics textfile (`--metrics-file`, else `metrics_file`).
    public var metricsFile: String?
    /// The Pushgateway (`--metrics-push`, else `metrics_push`).
    public var metricsPush: String?
    /// Close even what a person holds in BigPanda (`sweep --all --ignore-holds`).
    public var ignoreHolds = false

    /// Creates a request to sweep at `now`.
    public init(now: Int64) {
        self.now = now
    }
}

/// What a sweep did, and how it ends.
public struct SweepOutcome: Sendable {
    /// What the sweep did; nil when it could not run (another sweep holds the work, the ledger failed).
    public var report: SweepReport?
    /// With `--verify`: the reconcile that came first.
    public var reconciled: ReconcileReport?
    /// With `--verify`: what verification found; nil for a dry run.
    public var verification: Verifier.Result?
    /// What the run learned from Logz.io; nil for `--all`, which asks nothing.
    public var logzio: LogzioView?
    /// Why the command does not exit 0: held (75), not delivered or not verified (1), refused (78).
    public var failure: OperationError?
}

/// `sweep`: the scheduled job. Opens the ledger, decides with the rules (and the Logz.io definitions
/// for `auto`), sends, records, applies the retention and writes the metrics.
public struct SweepRun {
    /// The configuration, with the command line applied.
    public var config: ResolverConfig
    /// The ledger.
    public var ledger: LedgerLocation
    /// What to do.
    public var request: SweepRequest
    /// The process's environment, clock and logger.
    public var context: OperationContext
    /// The stop check (SIGTERM, SIGINT): no new batch starts, and no retry.
    public var stopRequested: @Sendable () -> Bool = { false }
    /// Called after each batch is recorded, for a progress line.
    public var onProgress: ((_ done: Int, _ total: Int) -> Void)?

    /// Why batches were not sent after a stop.
    public static let stoppedBySignal = Sweeper.stoppedBySignal

    /// Creates a sweep run.
    public init(config: ResolverConfig, ledger: LedgerLocation, request: SweepRequest, context: OperationContext) {
        self.config = config
        self.ledger = ledger
        self.request = request
        self.context = context
    }

    /// Runs the sweep. Throws only what stops it before the ledger is touched: a missing token or key
    /// (78); everything after that ends in the outcome, after the metrics are written.
    public func run() async throws(OperationError) -> SweepOutcome {
        let connection =
            request.dryRun
            ? nil
            : try BigPandaConnection(
                config: config, context: context, stopRequested: stopRequested, stopCause: Self.stoppedBySignal)
        defer { connection?.shutdown() }
        // Adopted alerts are closed by id, holds read and closes commented: with a user API key and an
        // environment when set up (a clear failure for each adopted alert otherwise). --verify requires it
        // all, and so does keep_when, even when nothing is stale.
        let incidents: IncidentsConnection?
        if request.verify {
            incidents = try IncidentsConnection(config: config, context: context, command: "sweep --all --verify")
        } else if config.usesKeepWhen {
            incidents = try IncidentsConnection(
                config: config, context: context, command: Self.keepWhenCommand, needsScope: false)
        } else {
            incidents =
                request.dryRun
                ? nil : try? IncidentsConnection(config: config, context: context, command: "sweep", needsScope: false)
        }
        defer { incidents?.shutdown() }

        let started = ContinuousClock.now
        var outcome = SweepOutcome()
        var opened: (any LedgerBackend)?
        do throws(OperationError) {
            let backend = try ledger.open(request.dryRun ? .readOnly : .readWrite(durableCommits: false))
            opened = backend
            if request.verify, let incidents {
                try await cleanUp(backend, sender: connection?.client, incidents: incidents, into: &outcome)
            } else {
                let report = try await sweep(
                    backend, sender: connection?.client, incidents: incidents?.client, logzio: &outcome.logzio)
                outcome.report = report
                outcome.failure = Self.failure(report)
            }
            if !request.dryRun, let retention = config.retention { applyRetention(retention, ledger: backend) }
        } catch {
            outcome.failure = error
        }
        await writeMetrics(ledger: opened, outcome: outcome, started: started)
        return outcome
    }

    /// The sweep's options from the request and the config.
    private var options: SweepOptions {
        var options = SweepOptions(now: request.now, policy: config.policy)
        options.all = request.all
        options.appKey = request.appKey
        options.dryRun = request.dryRun
        options.force = request.force
        options.reportKept = request.reportKept
        options.batchSize = config.batchSize
        options.blastRadius = config.blastRadius
        return options
    }

    private func sweep(
        _ ledger: any LedgerBackend, sender: AlertsClient?, incidents: IncidentsClient?, logzio: inout LogzioView?
    ) async throws(OperationError) -> SweepReport {
        let sweeper = Sweeper(
            ledger: ledger, options: options, client: sender, logger: context.logger,
            feed: try FeedReader.liveness(ledger), wallClock: context.wallClock)
        if !request.all {
            // sweep --all ignores the rules: it needs neither definitions nor evidence.
            let view = await LogzioView.load(
                config: config, ledger: ledger, filter: AlertFilter(states: [.open], appKey: request.appKey),
                now: request.now, purpose: .decide(keep: request.dryRun ? nil : ledger), context: context)
            logzio = view
            if config.policy.usesAuto { sweeper.auto = view.autoResolver(now: request.now) }
            sweeper.evidence = view.evidenceResolver()
            sweeper.payloadFields = LogzioView.payloadFields(config, evidence: view.evidenceEnabled)
        }
        sweeper.incidents = incidents
        sweeper.people = incidents.map { _ in people }
        sweeper.stopRequested = stopRequested
        sweeper.onProgress = onProgress
        return try await Self.run(sweeper)
    }

    /// Runs a sweeper: another sweep holding the work is exit 75, any other failure exit 1.
    static func run(_ sweeper: Sweeper) async throws(OperationError) -> SweepReport {
        do {
            return try await sweeper.run()
        } catch let error as SweepError {
            throw .held(error.description)
        } catch {
            throw .failed("\(error)")
        }
    }

    /// `--verify`: the cleanup, with this run's options.
    private func cleanUp(
        _ ledger: any LedgerBackend, sender: AlertsClient?, incidents: IncidentsConnection,
        into outcome: inout SweepOutcome
    ) async throws(OperationError) {
        var cleanup = Cleanup(
            ledger: ledger, incidents: incidents.client, sender: sender, scope: try incidents.scope,
            sweepOptions: options, logger: context.logger, wallClock: context.wallClock)
        cleanup.incidentQuery = config.incidentQuery
        cleanup.closeGrace = config.closeGrace
        cleanup.feed = try FeedReader.liveness(ledger)
        cleanup.verifyTimeout = request.verifyTimeout
        // Tests only: a shorter wait between searches than BigPanda's 10 s.
        if let interval = context.testPeriod("LOGZIO_RESOLVER_TEST_VERIFY_INTERVAL") {
            cleanup.verifyInterval = interval
        }
        cleanup.people = people
        cleanup.stopRequested = stopRequested
        cleanup.onProgress = onProgress
        let result = try await cleanup.run()
        outcome.report = result.swept
        outcome.reconciled = result.reconciled
        outcome.verification = result.verification
        outcome.failure = result.failure(verifyTimeout: request.verifyTimeout)
        if outcome.failure == nil, result.verification != nil, result.swept.failed > 0 {
            // Verified: BigPanda's view is what counts, so undelivered oks (closed by id since) only warn.
            context.logger.warning(
                "verified, though some ok events were not delivered",
                metadata: ["sweep.failed": "\(result.swept.failed)"])
        }
    }

    /// The exit status of a plain sweep: 75 held, 1 when some `ok`s were not delivered or the holds of
    /// `keep_when` could not be read.
    static func failure(_ report: SweepReport) -> OperationError? {
        if let holdReason = report.holdReason { return .held("held, nothing was sent: \(holdReason)") }
        guard report.failed > 0 || report.incidentsUnread else { return nil }
        var lines = report.errors
        // A refusal in a third run marks the alert rejected: it is not sent again, so "the next run" would
        // be wrong for it.
        let rejected = report.actions.filter { $0.action == .rejected }.count
        let retried = report.failed - rejected
        if retried > 0 {
            lines.append(
                "\(retried) ok event\(retried == 1 ? " was" : "s were") not delivered; the alerts stay open for the next run"
            )
        }
        if rejected > 0 {
            lines.append(
                "\(rejected) ok event\(rejected == 1 ? " was" : "s were") refused by BigPanda in 3 runs; the alert\(rejected == 1 ? " is" : "s are") marked rejected and not sent again until a new event (list --state rejected shows them)"
            )
        }
        return .failed(lines.joined(separator: "\n"))
    }

    /// How a missing API key or environment names what needs them.
    public static let keepWhenCommand = "keep_when (reading what people set in BigPanda)"

    /// What people set in BigPanda keeps open, and the comments, from the config and the request.
    private var people: PeopleSettings {
        let config = config
        var people = PeopleSettings(keepWhen: { config.keepWhen(rule: $0) }, usesHolds: config.usesKeepWhen)
        people.commentOnClose = config.commentOnClose
        people.maxComments = config.maxCommentsPerRun
        people.sourceSystem = config.sourceSystem
        people.incidentQuery = config.incidentQuery
        people.ignoreHolds = request.ignoreHolds
        return people
    }

    /// Prunes resolved history past `retention:` after a sending sweep; a failure is logged, not fatal.
    private func applyRetention(_ retention: Duration, ledger: any Retention) {
        do {
            let result = try ledger.prune(before: context.wallClock() - retention.wholeSeconds, dryRun: false)
            if result.events + result.resolutions > 0 { try ledger.vacuum(incremental: true) }
            context.logger.info(
                "applied retention",
                metadata: ["prune.events": "\(result.events)", "prune.resolutions": "\(result.resolutions)"])
        } catch {
            context.logger.error("cannot apply retention", metadata: ["error": "\(error)"])
        }
    }

    /// Stores this run's gauges (sending sweeps only), with reconcile's when it searched BigPanda, and
    /// rewrites the metrics file and pushes them, as configured.
    private func writeMetrics(ledger: (any LedgerBackend)?, outcome: SweepOutcome, started: ContinuousClock.Instant)
        async
    {
        let output = MetricsOutput(
            config: config, context: context, file: request.metricsFile, push: request.metricsPush)
        let now = context.wallClock()
        var run = RunMetrics.sweep(
            finishedAt: now, duration: (ContinuousClock.now - started).inSeconds, stale: outcome.report?.stale ?? 0,
            held: outcome.report?.holdReason != nil, exitCode: outcome.failure?.status.rawValue ?? 0,
            storing: ledger != nil && !request.dryRun)
        if let reconciled = outcome.reconciled, ledger != nil {
            run.append(.reconcile(reconciled, storing: !request.dryRun))
        }
        if let report = outcome.report {
            run.append(
                .people(
                    keptBy: report.keptByPeople.reduce(into: [:]) { $0[$1.key.rawValue] = $1.value },
                    commentFailures: report.commentFailures, storing: ledger != nil && !request.dryRun))
        }
        if let logzio = outcome.logzio {
            run.append(
                .logzio(
                    definitionFetchFailed: logzio.definitionFetchFailed, evidenceFailures: logzio.evidenceFailures,
                    keptByTrigger: outcome.report?.keptByTrigger ?? 0,
                    unverifiedDefinitions: logzio.evidenceEnabled ? logzio.unverifiedDefinitions : nil,
                    storing: ledger != nil && !request.dryRun))
        }
        await output.write(run, ledger: ledger, now: now)
    }
}
