public import Ledger

/// Where metric samples are kept across runs: the ledger's metric table and its open-alert summary.
public protocol MetricStore {
    /// Adds `value` to a counter, or sets a gauge when `set` is true.
    func updateMetric(_ name: String, labels: String, value: Double, set: Bool) throws
    /// Every stored sample.
    func metricSamples() throws -> [MetricSample]
    /// The open alerts at a glance.
    func openSummary() throws -> OpenSummary
}

extension SQLiteLedger: MetricStore {}
