import Alerts
import ArgumentParser
import BigPanda
import Curl
import Ledger
import Logging
import Reconcile
import ResolverConfiguration
import ResolverMetrics
import Staleness
import Sweep

/// `sweep`: the scheduled job that sends BigPanda an `ok` for every stale alert.
struct SweepCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "sweep",
        abstract: "Send BigPanda an ok for every open alert that has gone stale.",
        discussion: """
            Silent on success, for cron. Exit 1: some oks were not delivered (retried next run). \
            Exit 75: held by a safety limit, or another sweep is running. Exit 78: bad configuration or no token. \
            With --all, every open alert in scope is closed regardless of the rules; it needs --yes or --dry-run.
            """
    )

    @OptionGroup var ledgerOptions: LedgerOptions

    @Flag(name: .long, help: "Close every open alert in scope, ignoring the rules (before an uninstall).")
    var all = false

    @Flag(name: .long, help: "Confirm sweep --all.")
    var yes = false

    @Option(name: .long, help: "Only this integration's alerts.")
    var appKey: String?

    @Option(name: .long, help: "Evaluate the rules as of this TIME. A sending sweep refuses a TIME in the future.")
    var now: String?

    @Flag(name: .long, help: "Show what would be sent, and send and write nothing.")
    var dryRun = false

    @Flag(name: .long, help: "Lift the blast-radius hold for this run.")
    var force = false

    @Flag(name: .long, help: "Print the result as one JSON object on stdout.")
    var json = false

    @Option(
        name: .long,
        help: "Write Prometheus metrics to this textfile after the run (default: metrics_file in the config).")
    var metricsFile: String?

    @Flag(
        name: .long,
        help: "With --all: adopt what BigPanda shows open, close everything, and check BigPanda until none is active.")
    var verify = false

    @Option(name: .long, help: "How long --verify keeps checking BigPanda, from its first search (default 5m).")
    var verifyTimeout: String?

    @OptionGroup var logging: LoggingOptions

    func validate() throws {
        if all, !yes, !dryRun {
            throw ValidationError(
                "sweep --all closes every open alert in scope; add --dry-run to preview it, or --yes to do it")
        }
        if verify, !all { throw ValidationError("--verify is part of the cleanup: use it with sweep --all") }
        if verify, appKey != nil {
            throw ValidationError("--verify cannot be limited by --app-key: BigPanda's alerts carry no app key")
        }
        if verifyTimeout != nil, !verify { throw ValidationError("--verify-timeout needs --verify") }
        if let verifyTimeout, (try? DurationText.parse(verifyTimeout)) == nil {
            throw ValidationError("--verify-timeout \"\(verifyTimeout)\" is not a duration; use e.g. 5m or 1h30m")
        }
    }

    func run() async throws {
        let logger = logging.makeLogger()
        let wall = wallClock()
        let evaluateAt = try now.map { try parseTime($0, flag: "--now") } ?? wall
        if !dryRun, evaluateAt > wall {
            throw CLIError.usage(
                "--now \(EpochTime.iso8601(evaluateAt)) is in the future; a sending sweep refuses it (use --dry-run to preview)"
            )
        }
        let config = try ledgerOptions.load()

        let connection = dryRun ? nil : try BigPandaConnection(config: config, logger: logger)
        let client = connection?.client
        defer { connection?.shutdown() }
        // Adopted alerts are closed by id: with a user API key and an environment when set up, and a
        // clear failure for each adopted alert otherwise. --verify requires it all.
        let incidents =
            verify
            ? try IncidentsConnection(config: config, logger: logger, command: "sweep --all --verify")
            : dryRun
                ? nil : try? IncidentsConnection(config: config, logger: logger, command: "sweep", needsScope: false)
        defer { incidents?.shutdown() }

        let started = ContinuousClock.now
        var ledger: (any LedgerBackend)?
        var report: SweepReport?
        var reconciled: ReconcileReport?
        var failure: (any Error)?
        do {
            let opened = try openLedger(config.ledger, mode: dryRun ? .readOnly : .readWrite, durability: .normal)
            ledger = opened
            if verify, let incidents {
                reconciled = try await reconcileFirst(opened, config: config, incidents: incidents, logger: logger)
            }
            let done = try await sweep(
                opened, config: config, evaluateAt: evaluateAt, client: client, incidents: incidents?.client,
                logger: logger)
            report = done
            if let retention = config.retention, !dryRun {
                applyRetention(retention, ledger: opened, logger: logger)
            }
            if verify, let incidents, let reconciled {
                try await verifyAfter(
                    done, reconciled: reconciled, ledger: opened, config: config, incidents: incidents, logger: logger)
            } else {
                try finish(done)
            }
        } catch {
            failure = error
        }
        if let path = metricsFile ?? config.metricsFile {
            let code = (failure as? CLIError)?.code ?? (failure == nil ? 0 : 1)
            writeMetrics(path: path, ledger: ledger, report: report, exitCode: code, started: started, logger: logger)
            if let ledger, let reconciled {
                ReconcileMetrics.write(path: path, ledger: ledger, report: reconciled, store: !dryRun, logger: logger)
            }
        }
        if let failure { throw failure }
    }

    /// `--verify`, step 1: reconcile with adoption, so alerts the ledger never saw are closed too.
    private func reconcileFirst(
        _ ledger: any LedgerBackend, config: ResolverConfig, incidents: IncidentsConnection, logger: Logger
    ) async throws -> ReconcileReport {
        var options = ReconcileOptions(sourceSystem: try incidents.scope)
        options.incidentQuery = config.incidentQuery
        options.adopt = true
        options.dryRun = dryRun
        // The uninstall cleanup closes everything, as sweep --all does: no blast-radius hold.
        options.force = true
        options.closeGrace = config.closeGrace
        let reconciler = Reconciler(
            ledger: ledger, incidents: incidents.client, options: options, logger: logger, wallClock: wallClock)
        do {
            return try await reconciler.run()
        } catch let error as IncidentsError {
            throw IncidentsConnection.cliError(error)
        }
    }

    /// `--verify`, the end: search BigPanda until nothing in scope is active, then report.
    private func verifyAfter(
        _ report: SweepReport, reconciled: ReconcileReport, ledger: any LedgerBackend, config: ResolverConfig,
        incidents: IncidentsConnection, logger: Logger
    ) async throws {
        var result = Verifier.Result()
        if !dryRun {
            let verifier = Verifier(
                ledger: ledger, incidents: incidents.client, sourceSystem: try incidents.scope,
                incidentQuery: config.incidentQuery, logger: logger, wallClock: wallClock)
            if let timeout = verifyTimeout.flatMap({ try? DurationText.parse($0) }) {
                verifier.timeout = .seconds(timeout)
            }
            // Tests only: a shorter wait between searches than BigPanda's 10 s.
            if let text = Environment.values["LOGZIO_RESOLVER_TEST_VERIFY_INTERVAL"], let seconds = Double(text) {
                verifier.interval = .seconds(seconds)
            }
            do {
                result = try await verifier.run()
            } catch let error as IncidentsError {
                throw IncidentsConnection.cliError(error)
            }
        }
        if json {
            var object = SweepJSON.object(report, dryRun: dryRun)
            object["verified"] = .bool(result.verified)
            object["still_active"] = .array(
                result.stillActive.map { alert -> JSONValue in
                    .object(
                        JSONObject([
                            ("identity", .string(alert.identity)),
                            ("bigpanda_alert_id", .string(alert.bigPandaAlertID)),
                            ("incident_id", .string(alert.incidentID)),
                        ]))
                })
            object["reconcile"] = .object(ReconcileJSON.object(reconciled))
            Output.line(object.serialized())
        } else if dryRun {
            Output.stdout("reconcile with BigPanda (adopting what the ledger never saw):\n")
            Output.stdout(ReconcileText.render(reconciled))
            Output.stdout("then sweep --all:\n")
            Output.stdout(SweepText.render(report))
            Output.stdout("then closing by id whatever BigPanda still shows active, until none is (--verify)\n")
        }
        if dryRun { return }
        if !result.verified {
            var lines = report.errors + reconciled.errors + result.errors
            for alert in result.stillActive {
                lines.append(
                    "still active in BigPanda: \(alert.identity) (alert \(alert.bigPandaAlertID), incident \(alert.incidentID))"
                )
            }
            if result.truncated {
                lines.append("BigPanda's search was truncated, so zero active alerts could not be verified")
            }
            lines.append(
                "\(result.stillActive.count) alert\(result.stillActive.count == 1 ? " is" : "s are") still active in BigPanda after \(DurationText.format(verifyTimeout.flatMap { try? DurationText.parse($0) } ?? 300)); see the README, \"Cleaning up before uninstalling\""
            )
            throw CLIError.failed(lines.joined(separator: "\n"))
        }
        // Verified: BigPanda's view is what counts, so undelivered oks (closed by id since) only warn.
        if report.failed > 0 {
            logger.warning(
                "verified, though some ok events were not delivered", metadata: ["sweep.failed": "\(report.failed)"])
        }
    }

    private func sweep(
        _ ledger: any LedgerBackend, config: ResolverConfig, evaluateAt: Int64, client: AlertsClient?,
        incidents: IncidentsClient?, logger: Logger
    ) async throws -> SweepReport {
        var options = SweepOptions(now: evaluateAt, policy: config.policy)
        options.all = all
        options.appKey = appKey
        options.dryRun = dryRun
        options.force = force
        // Only --json and --dry-run show the alerts kept open; without them the sweep reads only the candidates.
        options.reportKept = json || dryRun
        options.batchSize = config.batchSize
        options.maxResolvesPerRun = config.maxResolvesPerRun
        options.maxResolveFraction = config.maxResolveFraction
        StopSignal.install()
        let sweeper = Sweeper(
            ledger: ledger, options: options, client: client, logger: logger, feed: try FeedReader.liveness(ledger),
            wallClock: wallClock)
        if config.policy.usesAuto, !all {
            let hasOpen = ((try? ledger.openSummary())?.open ?? 0) > 0
            let definitions = await AutoDefinitions.load(
                config: config, needed: hasOpen, cache: ledger,
                store: dryRun ? nil : AutoDefinitions.storing(into: ledger, logger: logger), logger: logger)
            if definitions.failure != nil, !dryRun {
                try? ledger.add(to: MetricName.definitionFetchFailures, labels: .none, value: 1)
            }
            sweeper.auto = definitions.resolver(definitionField: config.policy.definitionField, now: evaluateAt)
        }
        // An interactive `sweep --all` shows progress; cron, --json and pipes never do.
        let progress = all && !dryRun && !json && ProgressLine.isInteractive ? ProgressLine() : nil
        if let progress { sweeper.onProgress = { progress.update(done: $0, total: $1) } }
        sweeper.incidents = incidents
        sweeper.stopRequested = { StopSignal.isRequested }
        defer { progress?.finish() }
        do {
            return try await sweeper.run()
        } catch let error as SweepError {
            throw CLIError(code: CLIError.held, message: error.description)
        } catch {
            throw CLIError.failed("\(error)")
        }
    }

    /// Prunes resolved history past `retention:` after a sending sweep; a failure is logged, not fatal.
    private func applyRetention(_ retention: Duration, ledger: any Retention, logger: Logger) {
        do {
            let result = try ledger.prune(before: wallClock() - retention.wholeSeconds, dryRun: false)
            if result.events + result.resolutions > 0 { try ledger.vacuum(incremental: true) }
            logger.info(
                "applied retention",
                metadata: ["prune.events": "\(result.events)", "prune.resolutions": "\(result.resolutions)"])
        } catch {
            logger.error("cannot apply retention", metadata: ["error": "\(error)"])
        }
    }

    /// Stores this run's gauges (sending sweeps only) and rewrites the metrics file.
    private func writeMetrics(
        path: String, ledger: (any Counters & SweepQueries)?, report: SweepReport?, exitCode: Int32,
        started: ContinuousClock.Instant,
        logger: Logger
    ) {
        let now = wallClock()
        let elapsed = ContinuousClock.now - started
        let run = RunMetrics.sweep(
            finishedAt: now, duration: elapsed.inSeconds, stale: report?.stale ?? 0, held: report?.holdReason != nil,
            exitCode: exitCode, storing: ledger != nil && !dryRun)
        MetricsOutput.write(path: path, run: run, ledger: ledger, now: now, logger: logger)
    }

    private func finish(_ report: SweepReport) throws {
        if json {
            Output.line(SweepJSON.render(report, dryRun: dryRun))
        } else if dryRun {
            Output.stdout(SweepText.render(report))
        }
        if let holdReason = report.holdReason {
            throw CLIError(code: CLIError.held, message: "held, nothing was sent: \(holdReason)")
        }
        if report.failed > 0 {
            var lines = report.errors
            lines.append(
                "\(report.failed) ok event\(report.failed == 1 ? " was" : "s were") not delivered; the alerts stay open for the next run"
            )
            throw CLIError.failed(lines.joined(separator: "\n"))
        }
    }
}

/// The `sweep --json` object.
enum SweepJSON {
    static func render(_ report: SweepReport, dryRun: Bool) -> String {
        object(report, dryRun: dryRun).serialized()
    }

    static func object(_ report: SweepReport, dryRun: Bool) -> JSONObject {
        let actions: [JSONValue] = report.actions.map { action in
            .object(
                JSONObject([
                    ("identity", .string(action.identity)),
                    ("app_key", .string(action.appKey)),
                    ("action", .string(action.action.rawValue)),
                    ("rule", .string(Output.rule(action.rule))),
                    ("reason", .string(action.reason)),
                    ("http_status", action.httpStatus.map { .integer(Int64($0)) } ?? .null),
                    ("attempts", .integer(Int64(action.attempts))),
                ]))
        }
        var object = JSONObject([
            ("open", .integer(Int64(report.open))),
            ("stale", .integer(Int64(report.stale))),
            ("resolved", .integer(Int64(report.resolved))),
            ("failed", .integer(Int64(report.failed))),
            ("held", .integer(Int64(report.held))),
            ("dry_run", .bool(dryRun)),
        ])
        if let reason = report.holdReason { object["hold_reason"] = .string(reason) }
        if !report.errors.isEmpty { object["errors"] = .array(report.errors.map { .string($0) }) }
        object["actions"] = .array(actions)
        return object
    }
}

/// The dry-run text report.
enum SweepText {
    static func render(_ report: SweepReport) -> String {
        let order: [SweepAction.Kind] = [.wouldResolve, .resolved, .held, .failed, .rejected, .kept]
        let sorted = report.actions.sorted {
            (order.firstIndex(of: $0.action) ?? 9) < (order.firstIndex(of: $1.action) ?? 9)
        }
        let rows = sorted.map { [$0.action.rawValue, $0.appKey, $0.identity, $0.reason] }
        var text = rows.isEmpty ? "" : Table.render(header: ["ACTION", "APP KEY", "IDENTITY", "WHY"], rows: rows)
        text +=
            "\(report.open) open, \(report.stale) stale, \(report.resolved) resolved, \(report.failed) failed, \(report.held) held"
        text += report.holdReason.map { " (held: \($0))" } ?? ""
        return text + "\n"
    }
}
