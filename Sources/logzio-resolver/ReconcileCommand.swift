import Alerts
import ArgumentParser
import Operations
import Reconcile

/// `reconcile`: compares the ledger with what BigPanda shows active, adopts, and re-closes drift.
struct ReconcileCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "reconcile",
        abstract:
            "Compare the ledger with BigPanda's active alerts: adopt, re-close drift, record what BigPanda resolved.",
        discussion: """
            Needs a BigPanda user API key (BIGPANDA_API_KEY), bigpanda.environment_id and bigpanda.source_system. \
            Classes: tracked, drift, resolved_elsewhere, untracked, pending. Exit 75: held by a safety limit. \
            Exit 1: a truncated search or a failed close. Exit 78: missing or refused key, environment or scope.
            """
    )

    @OptionGroup var ledgerOptions: LedgerOptions

    @Flag(
        name: .long,
        help: "Record alerts active in BigPanda that the ledger never saw, so the sweep's rules close them.")
    var adopt = false

    @Flag(name: .long, help: "Lift the blast-radius hold for this run.")
    var force = false

    @Flag(name: .long, help: "Confirm: change the ledger and close drift by id.")
    var yes = false

    @Flag(name: .long, help: "Show what would be done, and change and send nothing.")
    var dryRun = false

    @Flag(name: .long, help: "Print the result as one JSON object on stdout.")
    var json = false

    @OptionGroup var metrics: MetricsOptions

    @OptionGroup var logging: LoggingOptions

    func validate() throws {
        if !yes, !dryRun {
            throw ValidationError(
                "reconcile changes the ledger and closes drift; add --dry-run to preview it, or --yes to do it")
        }
        if yes, dryRun { throw ValidationError("--yes and --dry-run cannot be used together; pick one") }
    }

    func run() async throws {
        let (config, ledger) = try ledgerOptions.load()
        var run = ReconcileRun(config: config, ledger: ledger, context: logging.makeContext())
        run.adopt = adopt
        run.force = force
        run.dryRun = dryRun
        run.metricsFile = metrics.metricsFile
        run.metricsPush = metrics.metricsPush
        let outcome = try await run.run()
        if json {
            Output.line(ReconcileJSON.object(outcome.report).serialized())
        } else if dryRun {
            Output.stdout(ReconcileText.render(outcome.report))
        }
        if let failure = outcome.failure { throw failure }
    }
}
