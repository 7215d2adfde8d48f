import Alerts

/// When to try a request again: full jitter under a ceiling that doubles per attempt up to a cap, never
/// less than `Retry-After`, and no attempt at or after the limit.
///
/// The limit is an instant, built when a run or a call starts (not when its client is made), or
/// `forever`. A wait that would end at or after the limit is refused at once rather than waited out, so a
/// `Retry-After` beyond the deadline ends the retries without sleeping.
public struct RetryPolicy: Sendable, Equatable {
    /// The point after which no attempt starts.
    public enum Limit: Sendable, Equatable {
        /// No attempt starts at or after this instant.
        case deadline(ContinuousClock.Instant)
        /// Attempts go on without end.
        case forever
    }

    /// The first attempt's backoff ceiling; it doubles each attempt.
    public var base: Duration
    /// The largest backoff ceiling.
    public var cap: Duration
    /// When attempts stop.
    public var limit: Limit

    /// Creates a policy.
    public init(base: Duration, cap: Duration, limit: Limit) {
        self.base = base
        self.cap = cap
        self.limit = limit
    }

    /// The most the wait after the `attempt`th failure (counting from 1) can be without `Retry-After`.
    public func ceiling(attempt: Int) -> Duration {
        let doubled = base * (1 << min(max(attempt, 1) - 1, 20))
        return max(min(cap, doubled), .zero)
    }

    /// The wait after the `attempt`th failure: a draw from zero to the ceiling, but never less than `retryAfter`.
    public func delay(
        attempt: Int, retryAfter: Duration?, using random: inout some RandomNumberGenerator
    ) -> Duration {
        let jitter = Double.random(in: 0...ceiling(attempt: attempt).inSeconds, using: &random)
        return max(.seconds(jitter), retryAfter ?? .zero)
    }

    /// The wait after the `attempt`th failure, drawn from the system's random source.
    public func delay(attempt: Int, retryAfter: Duration?) -> Duration {
        var random = SystemRandomNumberGenerator()
        return delay(attempt: attempt, retryAfter: retryAfter, using: &random)
    }

    /// Whether an attempt may start at `instant`: always under `forever`, and only before a deadline.
    public func allowsAttempt(at instant: ContinuousClock.Instant) -> Bool {
        switch limit {
        case .forever: true
        case .deadline(let deadline): instant < deadline
        }
    }

    /// The wait before trying again after the `attempt`th failure at `now`, or nil when the attempt after
    /// it could not start before the limit: then give up now instead of waiting.
    public func nextDelay(
        attempt: Int, retryAfter: Duration?, now: ContinuousClock.Instant,
        using random: inout some RandomNumberGenerator
    ) -> Duration? {
        let wait = delay(attempt: attempt, retryAfter: retryAfter, using: &random)
        return allowsAttempt(at: now + wait) ? wait : nil
    }

    /// The wait before trying again after the `attempt`th failure, from now and the system's random source.
    public func nextDelay(attempt: Int, retryAfter: Duration?) -> Duration? {
        var random = SystemRandomNumberGenerator()
        return nextDelay(attempt: attempt, retryAfter: retryAfter, now: .now, using: &random)
    }
}
