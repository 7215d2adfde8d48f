/// A change to one stored sample: a gauge set, or a counter bumped.
public struct MetricUpdate: Sendable, Equatable {
    /// How the value applies.
    public enum Operation: Sendable, Equatable {
        /// Replace the stored value (a gauge).
        case set
        /// Add to the stored value (a counter).
        case add
    }

    /// The metric name.
    public var name: MetricName
    /// The labels, or none.
    public var labels: MetricLabels
    /// The value to set or add.
    public var value: Double
    /// Set or add.
    public var operation: Operation

    /// Creates an update.
    public init(name: MetricName, labels: MetricLabels = .none, value: Double, operation: Operation) {
        self.name = name
        self.labels = labels
        self.value = value
        self.operation = operation
    }
}
