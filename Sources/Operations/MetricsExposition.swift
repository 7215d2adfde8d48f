public import Ledger
public import ResolverMetrics

/// A run's metrics as one exposition: what the ledger keeps across runs, the run's own samples, and the
/// open-alert gauges, for the textfile and the Pushgateway alike.
public enum MetricsExposition {
    /// Renders the samples `ledger` keeps (the run's updates already stored), the run's live ones and the
    /// open-alert gauges at wall-clock `now`. Without a ledger (it could not be opened) the text carries
    /// the run's live samples only.
    public static func text(run: RunMetrics, ledger: (any Counters & SweepQueries)?, now: Int64) throws -> String {
        var live = run.live
        var stored: [MetricSample] = []
        if let ledger {
            stored = try ledger.metricSamples()
            let summary = try ledger.openSummary()
            live += RunMetrics.openGauges(open: summary.open, oldestLastReceived: summary.oldestLastReceived, now: now)
        }
        return MetricsText.render(stored: stored, live: live)
    }
}
