/// Stored metrics: counters that add up across runs, and gauges that keep the last value set.
public protocol Counters: LedgerRole {
    /// Adds `value` to the counter `name` with these labels, starting from zero.
    func add(to name: String, labels: String, value: Double) throws

    /// Stores `value` as the gauge `name` with these labels, replacing the one before.
    func set(gauge name: String, labels: String, value: Double) throws

    /// Every stored metric sample.
    func metricSamples() throws -> [MetricSample]
}
