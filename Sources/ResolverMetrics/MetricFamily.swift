/// A metric's name, kind and help text, rendered as its `# HELP` and `# TYPE` lines.
public struct MetricFamily: Sendable, Equatable {
    /// The metric name.
    public var name: MetricName
    /// Counter or gauge.
    public var kind: MetricKind
    /// One line of help.
    public var help: String
    /// Whether a `0` sample is rendered when there is none (every gauge, and the held-runs counter).
    public var zeroWhenAbsent: Bool

    /// Creates a family; gauges render `0` when absent unless told otherwise.
    public init(name: MetricName, kind: MetricKind, help: String, zeroWhenAbsent: Bool? = nil) {
        self.name = name
        self.kind = kind
        self.help = help
        self.zeroWhenAbsent = zeroWhenAbsent ?? (kind == .gauge)
    }
}
