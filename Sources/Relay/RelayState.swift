import Synchronization

/// What the relay's parts share: the last forward error and request and outbox counters.
public final class RelayState: Sendable {
    private struct Counters {
        var lastForwardError: String?
        var requests: [Int: Int] = [:]
        var acceptedAlerts = 0
        var forwardedAlerts = 0
        var rejectedForwards = 0
        var stopping = false
    }

    private let counters = Mutex(Counters())

    /// Creates empty state.
    public init() {}

    /// The last error from forwarding, or nil after a success.
    public var lastForwardError: String? { counters.withLock { $0.lastForwardError } }

    /// Whether the relay is shutting down: new requests get 503.
    public var isStopping: Bool { counters.withLock { $0.stopping } }

    func setStopping() { counters.withLock { $0.stopping = true } }
    func setForwardError(_ error: String?) { counters.withLock { $0.lastForwardError = error } }
    func countRequest(status: Int) { counters.withLock { $0.requests[status, default: 0] += 1 } }
    func countAccepted(_ alerts: Int) { counters.withLock { $0.acceptedAlerts += alerts } }
    func countForwarded(_ alerts: Int) { counters.withLock { $0.forwardedAlerts += alerts } }
    func countRejectedForward() { counters.withLock { $0.rejectedForwards += 1 } }

    /// A snapshot for metrics: requests by status, accepted, forwarded and rejected alerts.
    public func snapshot() -> (requests: [Int: Int], accepted: Int, forwarded: Int, rejected: Int) {
        counters.withLock { ($0.requests, $0.acceptedAlerts, $0.forwardedAlerts, $0.rejectedForwards) }
    }
}
