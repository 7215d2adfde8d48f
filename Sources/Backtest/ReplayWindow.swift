import Alerts

/// When the replayed sweeps run and what counts as premature: epoch-second instants, and spans.
public struct ReplayWindow: Sendable, Equatable {
    /// The end of the replay, in epoch seconds: the last replayed sweep is at or before it.
    public let now: Int64
    /// How far back the replay starts (`--since`).
    public let since: Duration
    /// The time between replayed sweeps (`--interval`), in whole seconds, at least one.
    public let interval: Duration
    /// A silence shorter than this that ends in a re-notification makes its resolve premature
    /// (`--refire-window`).
    public let refireWindow: Duration
    /// The first replayed sweep, `now - since`, in epoch seconds; events received before it are not replayed.
    public let start: Int64
    /// `interval` and `refireWindow` in whole seconds, converted once: the replay works in epoch seconds.
    let intervalSeconds: Int64
    let refireSeconds: Int64

    /// Creates a window; an interval under one second is taken as one second.
    public init(now: Int64, since: Duration, interval: Duration, refireWindow: Duration) {
        self.now = now
        self.since = since
        intervalSeconds = max(1, interval.wholeSeconds)
        self.interval = .seconds(intervalSeconds)
        self.refireWindow = refireWindow
        refireSeconds = refireWindow.wholeSeconds
        start = now - since.wholeSeconds
    }

    /// Whether a silence from `start` to `end` (epoch seconds) ended within the refire window.
    func isWithinRefireWindow(from start: Int64, to end: Int64) -> Bool {
        end - start < refireSeconds
    }

    /// The first replayed sweep at or after `instant` (sweeps run at `start + k × interval`), or nil
    /// when it would fall after `now`.
    public func firstSweep(atOrAfter instant: Int64) -> Int64? {
        guard instant <= now else { return nil }
        let offset = max(0, instant - start)
        let (steps, remainder) = offset.quotientAndRemainder(dividingBy: intervalSeconds)
        // Overflow can only mean a sweep past `now`: a huge interval from the command line.
        let (product, overflow1) = (remainder == 0 ? steps : steps + 1).multipliedReportingOverflow(
            by: intervalSeconds)
        let (sweep, overflow2) = start.addingReportingOverflow(product)
        return !overflow1 && !overflow2 && sweep <= now ? sweep : nil
    }
}
