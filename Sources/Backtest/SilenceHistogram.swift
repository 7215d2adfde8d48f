/// Silences at resolve, kept as counts per distinct value so quantiles are exact.
///
/// A resolve's silence lies in `[stale_after, stale_after + interval)`, so a rule holds at most
/// `interval` distinct values however long the history is.
struct SilenceHistogram: Sendable, Equatable {
    private(set) var counts: [Int64: Int] = [:]
    private(set) var total = 0

    mutating func add(_ silence: Int64) {
        counts[silence, default: 0] += 1
        total += 1
    }

    mutating func merge(_ other: SilenceHistogram) {
        for (value, count) in other.counts { counts[value, default: 0] += count }
        total += other.total
    }

    /// The nearest-rank quantile: the smallest value with at least `fraction` of the samples at or
    /// below it; nil when empty.
    func quantile(_ fraction: Double) -> Int64? {
        guard total > 0 else { return nil }
        let rank = max(1, Int((fraction * Double(total)).rounded(.up)))
        var seen = 0
        for value in counts.keys.sorted() {
            seen += counts[value, default: 0]
            if seen >= rank { return value }
        }
        return nil
    }
}
