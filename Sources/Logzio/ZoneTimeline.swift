import Foundation

/// A time zone's UTC offsets as segments of constant offset between transitions, for mapping
/// local wall-clock times to instants.
///
/// Foundation is asked once per transition, not once per fire time; segments are added lazily as
/// later local times are asked for.
struct ZoneTimeline {
    private let zone: TimeZone
    /// The instant each segment starts at, ascending; the first is the origin.
    private var starts: [Int64]
    /// The UTC offset of each segment, in seconds.
    private var offsets: [Int64]
    /// The start of the segment after the last one, or nil when the zone has no later transition.
    private var nextTransition: Int64?

    /// Describes `zone` from the instant `origin` on.
    init(zone: TimeZone, origin: Int64) {
        self.zone = zone
        starts = [origin]
        offsets = [Int64(zone.secondsFromGMT(for: Date(timeIntervalSince1970: Double(origin))))]
        nextTransition = Self.transition(in: zone, after: origin)
    }

    /// The UTC offset in seconds at `instant`, which must not be before the origin.
    mutating func offset(at instant: Int64) -> Int64 {
        extend(through: instant)
        return offsets[segment(containing: instant)]
    }

    /// The earliest instant whose local time is `local`, or nil when the clock skips it.
    ///
    /// A local time that occurs twice (when the clock goes back) maps to its first occurrence, so a
    /// schedule fires once at it; one the clock skips (when it goes forward) maps to nothing.
    mutating func instant(forLocal local: Int64) -> Int64? {
        // No zone is more than 14 hours ahead of UTC, so this covers every instant `local` can be.
        extend(through: local + 86_400)
        // The last segment whose local range starts at or before `local`; the one before it may
        // still cover `local` when the clock went back in between.
        var low = 0
        var high = starts.count - 1
        while low < high {
            let middle = (low + high + 1) / 2
            if starts[middle] + offsets[middle] <= local { low = middle } else { high = middle - 1 }
        }
        for index in [low - 1, low] where index >= 0 {
            let instant = local - offsets[index]
            if instant >= starts[index], instant < end(of: index) { return instant }
        }
        return nil
    }

    /// The end (exclusive) of the segment holding `instant`: the next transition, or `Int64.max`.
    mutating func segmentEnd(after instant: Int64) -> Int64 {
        extend(through: instant)
        return end(of: segment(containing: instant))
    }

    private func end(of index: Int) -> Int64 {
        index + 1 < starts.count ? starts[index + 1] : (nextTransition ?? .max)
    }

    private func segment(containing instant: Int64) -> Int {
        var low = 0
        var high = starts.count - 1
        while low < high {
            let middle = (low + high + 1) / 2
            if starts[middle] <= instant { low = middle } else { high = middle - 1 }
        }
        return low
    }

    private mutating func extend(through instant: Int64) {
        while let transition = nextTransition, transition <= instant {
            starts.append(transition)
            offsets.append(Int64(zone.secondsFromGMT(for: Date(timeIntervalSince1970: Double(transition)))))
            let following = Self.transition(in: zone, after: transition)
            // Guards against a zone database that reports the same transition again.
            nextTransition = following.flatMap { $0 > transition ? $0 : nil }
        }
    }

    private static func transition(in zone: TimeZone, after instant: Int64) -> Int64? {
        zone.nextDaylightSavingTimeTransition(after: Date(timeIntervalSince1970: Double(instant)))
            .map { Int64($0.timeIntervalSince1970.rounded(.down)) }
    }
}
