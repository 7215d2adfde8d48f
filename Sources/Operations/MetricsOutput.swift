public import Ledger
import Logging
public import Reconcile
public import ResolverMetrics

/// Writes a run's metrics where the operator asked: the node_exporter textfile. A failure is logged and
/// reported as a warning, never fatal: the run's own outcome decides the exit code.
public struct MetricsOutput {
    /// The process's environment, clock and logger.
    public var context: OperationContext

    /// Creates an output.
    public init(context: OperationContext) {
        self.context = context
    }

    /// Stores `run` in `ledger` (when open) and rewrites the textfile at `path`.
    public func write(_ run: RunMetrics, to path: String, ledger: (any Counters & SweepQueries)?, now: Int64) {
        do {
            try MetricsFile.write(MetricsExposition.text(run: run, ledger: ledger, now: now), to: path)
        } catch {
            context.logger.error(
                "cannot write the metrics", metadata: ["metrics.file": "\(path)", "error": "\(error)"])
            context.warn("\(error)")
        }
    }
}

extension RunMetrics {
    /// Reconcile's gauges (BigPanda's active and untracked alerts) and, when `storing`, its drift.
    public static func reconcile(_ report: ReconcileReport, storing: Bool) -> RunMetrics {
        .reconcile(
            bigPandaActive: report.bigPandaActive, untracked: report.count(.untracked), drift: report.count(.drift),
            storing: storing)
    }
}
