/// A Prometheus metric type, as written on a `# TYPE` line.
public enum MetricKind: String, Sendable, Equatable {
    /// A value that only grows, kept across runs.
    case counter
    /// A value set to what was last observed.
    case gauge
}
