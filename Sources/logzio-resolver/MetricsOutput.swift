import Ledger
import Logging
import Operations
import ResolverMetrics

/// Rewrites the metrics textfile after a run. A failure is logged and reported on stderr, never
/// fatal: the run's own outcome decides the exit code.
enum MetricsOutput {
    /// Stores `run` in `ledger` (when open) and rewrites the file at `path`.
    static func write(
        path: String, run: RunMetrics, ledger: (any Counters & SweepQueries)?, now: Int64, logger: Logger
    ) {
        do {
            try MetricsFile.write(MetricsExposition.text(run: run, ledger: ledger, now: now), to: path)
        } catch {
            logger.error("cannot write the metrics", metadata: ["metrics.file": "\(path)", "error": "\(error)"])
            Output.stderr("logzio-resolver: \(error)")
        }
    }
}
