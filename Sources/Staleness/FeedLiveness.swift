import Alerts

/// When the alert feed was observed alive, from the relay's heartbeats.
///
/// Each relay run counts as alive from its first heartbeat to its last, plus at most one
/// heartbeat period after the last. Runs are merged; a gap between runs is not alive.
public struct FeedLiveness: Sendable, Equatable {
    /// Disjoint, sorted alive intervals `[start, end)` in epoch seconds.
    public private(set) var intervals: [(start: Int64, end: Int64)]

    /// The heartbeat period the relay uses: the one definition, which the relay's options take.
    public static let heartbeatPeriod: Duration = .seconds(30)

    /// Builds liveness from each relay run's first and last heartbeat; `period` counts in whole seconds.
    public init(runs: [(first: Int64, last: Int64)], period: Duration = FeedLiveness.heartbeatPeriod) {
        let period = period.wholeSeconds
        let sorted = runs.map { (start: $0.first, end: max($0.first, $0.last) + period) }.sorted { $0.start < $1.start }
        var merged: [(start: Int64, end: Int64)] = []
        for interval in sorted {
            if let last = merged.last, interval.start <= last.end {
                merged[merged.count - 1].end = max(last.end, interval.end)
            } else {
                merged.append(interval)
            }
        }
        intervals = merged
    }

    /// The seconds of `[from, to)` during which the feed was observed alive.
    public func aliveSeconds(from: Int64, to: Int64) -> Int64 {
        guard to > from else { return 0 }
        var total: Int64 = 0
        for interval in intervals {
            let start = max(interval.start, from)
            let end = min(interval.end, to)
            if end > start { total += end - start }
        }
        return total
    }

    /// The earliest instant at which `aliveSeconds(from: start, to:)` reaches `seconds`, or nil when the
    /// observed feed ends before it does.
    ///
    /// A replay asks when a silence that began at `start` becomes stale without stepping through time.
    public func instant(whenAliveReaches seconds: Int64, from start: Int64) -> Int64? {
        guard seconds > 0 else { return start }
        // The first interval that ends after `start`; earlier ones cannot count.
        var low = 0
        var high = intervals.count
        while low < high {
            let middle = (low + high) / 2
            if intervals[middle].end <= start { low = middle + 1 } else { high = middle }
        }
        var needed = seconds
        for interval in intervals[low...] {
            let from = max(interval.start, start)
            let available = interval.end - from
            if available >= needed { return from + needed }
            needed -= available
        }
        return nil
    }

    public static func == (lhs: FeedLiveness, rhs: FeedLiveness) -> Bool {
        lhs.intervals.count == rhs.intervals.count
            && zip(lhs.intervals, rhs.intervals).allSatisfy { $0.start == $1.start && $0.end == $1.end }
    }
}
