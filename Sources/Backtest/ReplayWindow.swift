/// When the replayed sweeps run and what counts as premature, in epoch seconds and seconds.
public struct ReplayWindow: Sendable, Equatable {
    /// The end of the replay: the last replayed sweep is at or before it.
    public var now: Int64
    /// How far back the replay starts (`--since`), in seconds.
    public var since: Int64
    /// The time between replayed sweeps (`--interval`), in seconds; more than zero.
    public var interval: Int64
    /// A silence shorter than this that ends in a re-notification makes its resolve premature
    /// (`--refire-window`), in seconds.
    public var refireWindow: Int64

    /// Creates a window; an interval under one second is taken as one second.
    public init(now: Int64, since: Int64, interval: Int64, refireWindow: Int64) {
        self.now = now
        self.since = since
        self.interval = max(1, interval)
        self.refireWindow = refireWindow
    }

    /// The first replayed sweep, `now - since`; events received before it are not replayed.
    public var start: Int64 { now - since }

    /// The first replayed sweep at or after `instant` (sweeps run at `start + k × interval`), or nil
    /// when it would fall after `now`.
    public func firstSweep(atOrAfter instant: Int64) -> Int64? {
        guard instant <= now else { return nil }
        let offset = max(0, instant - start)
        let (steps, remainder) = offset.quotientAndRemainder(dividingBy: interval)
        // Overflow can only mean a sweep past `now`: a huge interval from the command line.
        let (product, overflow1) = (remainder == 0 ? steps : steps + 1).multipliedReportingOverflow(by: interval)
        let (sweep, overflow2) = start.addingReportingOverflow(product)
        return !overflow1 && !overflow2 && sweep <= now ? sweep : nil
    }
}
