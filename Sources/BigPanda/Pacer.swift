import Synchronization

/// Spaces request starts evenly so no one-second window holds more than the ceiling.
final class Pacer: Sendable {
    private let interval: Duration?
    private let next: Mutex<ContinuousClock.Instant?> = Mutex(nil)

    /// Creates a pacer for `requestsPerSecond`; 0 means unpaced.
    init(requestsPerSecond: Double) {
        if requestsPerSecond > 0 {
            // A 1 % margin keeps arrival jitter from putting one request too many in a window.
            interval = .seconds(1.01 / requestsPerSecond)
        } else {
            interval = nil
        }
    }

    /// Waits until this request may start: at least one interval after the previous start.
    ///
    /// The slot is claimed at the moment the request actually goes, not when it began waiting, so a
    /// process that stalled and woke late cannot release a burst.
    func waitForSlot() async throws {
        guard let interval else { return }
        while true {
            let now = ContinuousClock.now
            let wait = next.withLock { next -> Duration? in
                if let due = next, due > now { return due - now }
                next = now + interval
                return nil
            }
            guard let wait else { return }
            try await Task.sleep(for: wait)
        }
    }
}
