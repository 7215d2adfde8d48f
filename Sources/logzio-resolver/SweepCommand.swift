import Alerts
import ArgumentParser
import Operations
import Reconcile
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

    @Flag(
        name: .long,
        help: "Show what would be sent; send nothing and change no alert (metrics still report the run).")
    var dryRun = false

    @Flag(name: .long, help: "Lift the blast-radius hold for this run.")
    var force = false

    @Flag(name: .long, help: "Print the result as one JSON object on stdout.")
    var json = false

    @OptionGroup var metrics: MetricsOptions

    @Flag(
        name: .long,
        help: "With --all: adopt what BigPanda shows open, close everything, and check BigPanda until none is active.")
    var verify = false

    @Option(name: .long, help: "How long --verify keeps checking BigPanda, from its first search (default 5m).")
    var verifyTimeout: String?

    @Flag(name: .long, help: "With --all: close even what a person holds in BigPanda (keep_when).")
    var ignoreHolds = false

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
        if ignoreHolds, !all {
            throw ValidationError("--ignore-holds is for sweep --all; a sweep by the rules keeps them")
        }
        if let verifyTimeout, (try? DurationText.parse(verifyTimeout)) == nil {
            throw ValidationError("--verify-timeout \"\(verifyTimeout)\" is not a duration; use e.g. 5m or 1h30m")
        }
    }

    func run() async throws {
        let context = logging.makeContext()
        let wall = wallClock()
        let evaluateAt = try now.map { try parseTime($0, flag: "--now") } ?? wall
        if !dryRun, evaluateAt > wall {
            throw OperationError.usage(
                "--now \(EpochTime.iso8601(evaluateAt)) is in the future; a sending sweep refuses it (use --dry-run to preview)"
            )
        }
        let (config, ledger) = try ledgerOptions.load()
        var request = SweepRequest(now: evaluateAt)
        request.all = all
        request.appKey = appKey
        request.dryRun = dryRun
        request.force = force
        // Only --json and --dry-run show the alerts kept open; without them the sweep reads only the candidates.
        request.reportKept = json || dryRun
        request.verify = verify
        if let verifyTimeout { request.verifyTimeout = try parseDuration(verifyTimeout, flag: "--verify-timeout") }
        request.metricsFile = metrics.metricsFile
        request.metricsPush = metrics.metricsPush
        request.ignoreHolds = ignoreHolds
        var run = SweepRun(config: config, ledger: ledger, request: request, context: context)
        StopSignal.install()
        run.stopRequested = { StopSignal.isRequested }
        // An interactive `sweep --all` shows progress; cron, --json and pipes never do.
        let progress = all && !dryRun && !json && ProgressLine.isInteractive ? ProgressLine() : nil
        if let progress { run.onProgress = { progress.update(done: $0, total: $1) } }
        let outcome = try await run.run()
        progress?.finish()
        if let report = outcome.report { render(report, outcome: outcome) }
        if let failure = outcome.failure { throw failure }
    }

    /// Prints the report: JSON with `--json`, a table with `--dry-run`, nothing for cron.
    private func render(_ report: SweepReport, outcome: SweepOutcome) {
        if json {
            var object = SweepJSON.object(report, dryRun: dryRun)
            if verify, let reconciled = outcome.reconciled {
                let verification = outcome.verification ?? Verifier.Result()
                object["verified"] = .bool(verification.verified)
                object["still_active"] = .array(
                    verification.stillActive.map { alert -> JSONValue in
                        .object(
                            JSONObject([
                                ("identity", .string(alert.identity)),
                                ("bigpanda_alert_id", .string(alert.bigPandaAlertID)),
                                ("incident_id", .string(alert.incidentID)),
                            ]))
                    })
                object["reconcile"] = .object(ReconcileJSON.object(reconciled))
            }
            Output.line(object.serialized())
        } else if dryRun, verify, let reconciled = outcome.reconciled {
            Output.stdout("reconcile with BigPanda (adopting what the ledger never saw):\n")
            Output.stdout(ReconcileText.render(reconciled))
            Output.stdout("then sweep --all:\n")
            Output.stdout(SweepText.render(report))
            Output.stdout("then closing by id whatever BigPanda still shows active, until none is (--verify)\n")
        } else if dryRun {
            Output.stdout(SweepText.render(report))
        }
    }
}
