import Alerts
import ArgumentParser
import BigPanda
import Curl
import Ledger
import Logging
import ResolverConfiguration
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

    @OptionGroup var logging: LoggingOptions

    func validate() throws {
        if all, !yes, !dryRun {
            throw ValidationError(
                "sweep --all closes every open alert in scope; add --dry-run to preview it, or --yes to do it")
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

        let started = ContinuousClock.now
        var ledger: SQLiteLedger?
        var report: SweepReport?
        var failure: (any Error)?
        do {
            let opened = try openLedger(config.ledger, mode: dryRun ? .readOnly : .readWrite, durability: .normal)
            ledger = opened
            let done = try await sweep(opened, config: config, evaluateAt: evaluateAt, client: client, logger: logger)
            report = done
            if let retention = config.retention, !dryRun {
                applyRetention(retention, ledger: opened, logger: logger)
            }
            try finish(done)
        } catch {
            failure = error
        }
        if let path = metricsFile ?? config.metricsFile {
            let code = (failure as? CLIError)?.code ?? (failure == nil ? 0 : 1)
            writeMetrics(path: path, ledger: ledger, report: report, exitCode: code, started: started, logger: logger)
        }
        if let failure { throw failure }
    }

    private func sweep(
        _ ledger: SQLiteLedger, config: ResolverConfig, evaluateAt: Int64, client: AlertsClient?, logger: Logger
    ) async throws -> SweepReport {
        var options = SweepOptions(now: evaluateAt, policy: config.policy)
        options.all = all
        options.appKey = appKey
        options.dryRun = dryRun
        options.force = force
        options.batchSize = config.batchSize
        options.maxResolvesPerRun = config.maxResolvesPerRun
        options.maxResolveFraction = config.maxResolveFraction
        StopSignal.install()
        let sweeper = Sweeper(
            ledger: ledger, options: options, client: client, logger: logger, feed: try FeedReader.liveness(ledger),
            wallClock: wallClock)
        // An interactive `sweep --all` shows progress; cron, --json and pipes never do.
        let progress = all && !dryRun && !json && ProgressLine.isInteractive ? ProgressLine() : nil
        if let progress { sweeper.onProgress = { progress.update(done: $0, total: $1) } }
        defer { progress?.finish() }
        do {
            return try await sweeper.run()
        } catch let error as SweepError {
            throw CLIError(code: CLIError.held, message: error.description)
        } catch {
            throw CLIError(code: 1, message: "\(error)")
        }
    }

    /// Prunes resolved history past `retention:` after a sending sweep; a failure is logged, not fatal.
    private func applyRetention(_ retention: Int64, ledger: SQLiteLedger, logger: Logger) {
        do {
            let result = try ledger.prune(before: wallClock() - retention, dryRun: false)
            if result.events + result.resolutions > 0 { try ledger.vacuum(incremental: true) }
            logger.info(
                "applied retention",
                metadata: ["prune.events": "\(result.events)", "prune.resolutions": "\(result.resolutions)"])
        } catch {
            logger.error("cannot apply retention", metadata: ["error": "\(error)"])
        }
    }

    /// Stores this run's gauges (sending sweeps only) and rewrites the metrics file. A failure here is
    /// logged, never fatal: the sweep's own outcome decides the exit code.
    private func writeMetrics(
        path: String, ledger: SQLiteLedger?, report: SweepReport?, exitCode: Int32, started: ContinuousClock.Instant,
        logger: Logger
    ) {
        let now = wallClock()
        let elapsed = ContinuousClock.now - started
        let duration = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
        var live = [
            MetricSample(name: MetricName.lastRun, labels: "", value: Double(now)),
            MetricSample(name: MetricName.runDuration, labels: "", value: duration),
            MetricSample(name: MetricName.stale, labels: "", value: Double(report?.stale ?? 0)),
        ]
        do {
            if let ledger, !dryRun {
                for sample in live {
                    try ledger.updateMetric(sample.name, labels: "", value: sample.value, set: true)
                }
                if report?.holdReason != nil {
                    try ledger.updateMetric(MetricName.heldRuns, labels: "", value: 1, set: false)
                }
                if exitCode == 0 {
                    try ledger.updateMetric(MetricName.lastSuccess, labels: "", value: Double(now), set: true)
                }
            }
            let stored = try ledger?.metricSamples() ?? []
            if let summary = try ledger?.openSummary() {
                live += MetricsText.openGauges(summary, now: now)
            }
            try MetricsText.writeFile(MetricsText.render(stored: stored, live: live), to: path)
        } catch {
            logger.error("cannot write the metrics", metadata: ["metrics.file": "\(path)", "error": "\(error)"])
            Output.stderr("logzio-resolver: \(error)")
        }
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
            throw CLIError(code: 1, message: lines.joined(separator: "\n"))
        }
    }
}

/// The `sweep --json` object.
enum SweepJSON {
    static func render(_ report: SweepReport, dryRun: Bool) -> String {
        let actions: [JSONValue] = report.actions.map { action in
            .object(
                JSONObject([
                    ("identity", .string(action.identity)),
                    ("app_key", .string(action.appKey)),
                    ("action", .string(action.action.rawValue)),
                    ("rule", .string(action.rule)),
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
        return object.serialized()
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
