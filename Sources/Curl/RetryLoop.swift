/// The one retry loop every client runs: it calls an attempt until the attempt is done, waiting between
/// tries as its `RetryPolicy` says (full jitter, never less than `Retry-After`), and gives up at once when
/// the next try could not start before the policy's limit.
///
/// The attempt decides what an answer means; the loop decides only when to try again. A stop check (a
/// signal) ends a wait at once, within 100 ms.
public struct RetryLoop: Sendable {
    /// When to try again.
    public let policy: RetryPolicy
    /// Whether the run was asked to stop; nil when nothing can stop it but cancellation.
    public let stopRequested: (@Sendable () -> Bool)?

    /// Creates a loop.
    public init(policy: RetryPolicy, stopRequested: (@Sendable () -> Bool)? = nil) {
        self.policy = policy
        self.stopRequested = stopRequested
    }

    /// What one attempt says.
    public enum Step<Success, Failure> {
        /// The work is over: a success, or a failure not worth another try.
        case done(Success)
        /// A failure worth another try, not before `retryAfter` when the answer said so.
        case retry(Failure, retryAfter: Duration?)
        /// A failure to try again after exactly this pause, which does not grow the backoff (a refused
        /// token's pause, a ledger that is briefly away).
        case pause(Failure, Duration)
    }

    /// How the loop ended.
    public enum End<Success, Failure> {
        /// An attempt was done.
        case done(Success)
        /// The next try could not start before the policy's limit; the last failure.
        case limitReached(Failure, failures: Int)
        /// A stop was requested during a wait; the last failure.
        case stopped(Failure)
        /// The task was cancelled during a wait; the last failure.
        case cancelled(Failure)
    }

    /// Runs `attempt` until it is done. `willRetry` is called before each backoff wait with the failure,
    /// the wait and how many failures there have been, for the caller's log line.
    public func run<Success, Failure>(
        _ attempt: () async -> Step<Success, Failure>,
        willRetry: (_ failure: Failure, _ delay: Duration, _ failures: Int) -> Void = { _, _, _ in }
    ) async -> End<Success, Failure> {
        var failures = 0
        while true {
            let wait: Duration
            let failure: Failure
            switch await attempt() {
            case .done(let success):
                return .done(success)
            case .retry(let failed, let retryAfter):
                failures += 1
                failure = failed
                guard let delay = policy.nextDelay(attempt: failures, retryAfter: retryAfter) else {
                    return .limitReached(failed, failures: failures)
                }
                willRetry(failed, delay, failures)
                wait = delay
            case .pause(let failed, let pause):
                failure = failed
                guard policy.allowsAttempt(at: .now + pause) else { return .limitReached(failed, failures: failures) }
                wait = pause
            }
            switch await sleep(wait) {
            case .elapsed: continue
            case .stopped: return .stopped(failure)
            case .cancelled: return .cancelled(failure)
            }
        }
    }

    private enum Wake {
        case elapsed, stopped, cancelled
    }

    /// Sleeps `delay`, in slices when a stop can end it.
    private func sleep(_ delay: Duration) async -> Wake {
        do {
            guard let stopRequested else {
                try await Task.sleep(for: delay)
                return .elapsed
            }
            let wake = ContinuousClock.now + delay
            while ContinuousClock.now < wake {
                if stopRequested() { return .stopped }
                try await Task.sleep(for: min(.milliseconds(100), wake - ContinuousClock.now))
            }
            return stopRequested() ? .stopped : .elapsed
        } catch {
            return .cancelled
        }
    }
}
