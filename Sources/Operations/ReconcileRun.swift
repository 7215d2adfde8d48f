import Ledger
public import Reconcile
public import ResolverConfiguration
import ResolverMetrics

/// `reconcile`: BigPanda's active alerts against the ledger: adopt, re-close drift, record what BigPanda
/// resolved, and write the metrics.
public struct ReconcileRun {
    /// The configuration, with the command line applied.
    public var config: ResolverConfig
    /// The ledger.
    public var ledger: LedgerLocation
    /// Record untracked alerts as adopted (`--adopt`).
    public var adopt = false
    /// Lift the blast-radius hold (`--force`).
    public var force = false
    /// Decide and report, change nothing (`--dry-run`).
    public var dryRun = false
    /// The metrics textfile (`--metrics-file`, else `metrics_file`).
    public var metricsFile: String?
    /// The Pushgateway (`--metrics-push`, else `metrics_push`).
    public var metricsPush: String?
    /// The process's environment, clock and logger.
    public var context: OperationContext

    /// Creates a reconcile run.
    public init(config: ResolverConfig, ledger: LedgerLocation, context: OperationContext) {
        self.config = config
        self.ledger = ledger
        self.context = context
    }

    /// What reconcile did, and how it ends.
    public struct Outcome: Sendable {
        /// The classes and actions.
        public var report: ReconcileReport
        /// Why the command does not exit 0: held (75), a truncated search or a failed close (1).
        public var failure: OperationError?
    }

    /// Runs reconcile. Throws what stops it before it has a report (a missing key, a refused search).
    public func run() async throws(OperationError) -> Outcome {
        let connection = try IncidentsConnection(config: config, context: context, command: "reconcile")
        defer { connection.shutdown() }
        let backend = try ledger.open(dryRun ? .readOnly : .readWrite())
        var options = ReconcileOptions(sourceSystem: try connection.scope)
        options.incidentQuery = config.incidentQuery
        options.adopt = adopt
        options.dryRun = dryRun
        options.force = force
        options.closeGrace = config.closeGrace
        options.blastRadius = config.blastRadius
        let report = try await Cleanup.reconcile(
            Reconciler(
                ledger: backend, incidents: connection.client, options: options, logger: context.logger,
                wallClock: context.wallClock))
        await MetricsOutput(config: config, context: context, file: metricsFile, push: metricsPush).write(
            .reconcile(report, storing: !dryRun), ledger: backend, now: context.wallClock())
        return Outcome(report: report, failure: Self.failure(report))
    }

    /// The exit status: 75 held, 1 for a truncated search or a failed close.
    static func failure(_ report: ReconcileReport) -> OperationError? {
        if let reason = report.holdReason { return .held("held, nothing was changed: \(reason)") }
        var lines = report.errors
        if report.truncated {
            lines.append(
                "BigPanda's search was truncated (it returns at most 10,000 incidents); absent alerts were left as they are. Narrow it with bigpanda.incident_query"
            )
        }
        return lines.isEmpty ? nil : .failed(lines.joined(separator: "\n"))
    }
}
