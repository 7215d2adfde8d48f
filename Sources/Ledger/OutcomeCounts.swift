public import ResolverMetrics

/// The counters a batch of applied sends adds to, one series per metric, app key and rule, so each
/// backend writes one counter update per series and batch rather than one per alert.
public struct OutcomeCounts: Sendable {
    private var counts: [String: (name: MetricName, labels: MetricLabels, value: Double)] = [:]

    /// No counts yet.
    public init() {}

    /// Counts one applied send: resolved, or failed (rejected included); a fenced send counts nowhere.
    public mutating func add(_ outcome: AppliedOutcome, for record: SendRecord) {
        let name: MetricName? =
            switch outcome {
            case .resolved: MetricName.resolved
            case .failed, .rejected: MetricName.failed
            case .fenced: nil
            }
        guard let name else { return }
        let key = name.rawValue + "\u{0}" + record.appKey + "\u{0}" + record.rule
        // The label text only for a new series (the default is an autoclosure), not for every send.
        counts[
            key, default: (name, MetricLabels([(.appKey, record.appKey), (.rule, record.rule)]), 0)
        ].value += 1
    }

    /// Each series with the amount to add.
    public var series: [(name: MetricName, labels: MetricLabels, value: Double)] { Array(counts.values) }
}
