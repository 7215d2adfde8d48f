public import ResolverMetrics

/// Stored metrics: counters that add up across runs, and gauges that keep the last value set.
public protocol Counters: LedgerRole {
    /// Adds `value` to the counter `name` with these labels, starting from zero.
    func add(to name: MetricName, labels: MetricLabels, value: Double) throws

    /// Stores `value` as the gauge `name` with these labels, replacing the one before.
    func set(gauge name: MetricName, labels: MetricLabels, value: Double) throws

    /// Every stored metric sample.
    func metricSamples() throws -> [MetricSample]

    /// Applies a run's updates in order: gauges set, counters added to.
    func store(_ updates: [MetricUpdate]) throws
}

extension Counters {
    /// Applies a run's updates in order, one `set` or `add` each.
    public func store(_ updates: [MetricUpdate]) throws {
        for update in updates {
            switch update.operation {
            case .set: try set(gauge: update.name, labels: update.labels, value: update.value)
            case .add: try add(to: update.name, labels: update.labels, value: update.value)
            }
        }
    }
}
