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

    /// Waits for this request's slot.
    func waitForSlot() async throws {
        guard let interval else { return }
        let now = ContinuousClock.now
        let slot = next.withLock { next -> ContinuousClock.Instant in
            let slot = max(now, next ?? now)
            next = slot + interval
            return slot
        }
        if slot > now {
            try await Task.sleep(until: slot, clock: .continuous)
        }
    }
}
