/// One metric sample: a counter kept across runs, a gauge a run set, or a value computed now.
public struct MetricSample: Sendable, Equatable {
    /// The metric name.
    public var name: MetricName
    /// The labels, or none.
    public var labels: MetricLabels
    /// The value.
    public var value: Double

    /// Creates a sample.
    public init(name: MetricName, labels: MetricLabels = .none, value: Double) {
        self.name = name
        self.labels = labels
        self.value = value
    }
}
