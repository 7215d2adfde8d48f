public import Alerts
public import Curl
public import Logging
import Redaction
import Synchronization

/// Sends events to BigPanda's Alerts API: paced, retried with backoff and full jitter, within a deadline.
public final class AlertsClient: Sendable {
    private let options: AlertsClientOptions
    private let curl: CurlClient
    private let logger: Logger
    private let pacer: Pacer
    /// When the run's deadline falls; set by the run's first `send`, or by `startRun()`.
    private let runDeadline: Mutex<ContinuousClock.Instant?> = Mutex(nil)
    private let stopped: Mutex<String?> = Mutex(nil)
    private let stopRequested: @Sendable () -> Bool
    private let stopCause: String

    /// The User-Agent sent with every request.
    public static let userAgent = "logzio-resolver/\(ResolverVersion.current)"

    /// Creates a client. The deadline is per run: it starts with the run's first `send`, not here, so time
    /// spent reading the ledger and choosing alerts before sending does not count against it.
    ///
    /// `stopRequested` is the run's stop (a signal): once it answers true, the request on the wire still
    /// finishes, but no retry starts, nor a backoff wait goes on; `stopCause` says why in the messages.
    public init(
        options: AlertsClientOptions, curl: CurlClient, logger: Logger,
        stopRequested: @escaping @Sendable () -> Bool = { false }, stopCause: String = "the run was stopped"
    ) {
        self.options = options
        self.curl = curl
        self.logger = logger
        self.stopRequested = stopRequested
        self.stopCause = stopCause
        self.pacer = Pacer(requestsPerSecond: options.requestsPerSecond)
    }

    /// Why sending stopped (a refused token), or nil while it goes on.
    public var stopReason: String? { stopped.withLock { $0 } }

    /// Starts a new run on this client: its deadline counts from now, and a refused token of an earlier
    /// run no longer stops sending. A client used for a single run need not call it.
    public func startRun() {
        let deadline = ContinuousClock.now + options.deadline
        runDeadline.withLock { $0 = deadline }
        stopped.withLock { $0 = nil }
    }

    /// The current run's deadline, starting the run now if none has started.
    private func currentDeadline() -> ContinuousClock.Instant {
        let now = ContinuousClock.now
        return runDeadline.withLock { deadline in
            if let deadline { return deadline }
            let started = now + options.deadline
            deadline = started
            return started
        }
    }

    /// The message of a request not sent because the deadline had passed.
    private var deadlineMessage: String {
        "not sent: the run's deadline (\(Self.durationText(options.deadline))) had passed"
    }

    /// A span as the config file writes it (`4m`, `30s`, `1m30s`, `DurationText`); a fraction of a second
    /// counts as one.
    static func durationText(_ span: Duration) -> String {
        let (seconds, fraction) = span.components
        return DurationText.format(fraction > 0 && seconds < .max ? seconds + 1 : seconds)
    }

    /// Sends one batch of alerts for one app key.
    public func send(appKey: String, alerts: [JSONObject]) async -> DeliveryResult {
        await send(body: WireFormat.batchBody(appKey: appKey, alerts: alerts))
    }

    /// The result of one request.
    public enum Attempt: Sendable, Equatable {
        /// BigPanda answered; `text` is its error text (empty for 2xx).
        case answered(status: Int, kind: ResponseClass, text: String)
        /// No answer: a network error, with whether it is worth retrying.
        case transport(message: String, isTransient: Bool)
        /// The task was cancelled before the request went out.
        case cancelled
    }

    /// Makes one request for a prepared JSON body, after waiting for its pacing slot. Never retries.
    public func attempt(body: [UInt8]) async -> Attempt {
        await attempt(body: body, within: nil) ?? .cancelled
    }

    /// One request, or nil when `policy`'s limit has passed before it could start: then nothing is sent.
    private func attempt(body: [UInt8], within policy: RetryPolicy?) async -> Attempt? {
        // Checked before the pacing wait too, so batches left at the deadline do not queue for slots.
        if let policy, !policy.allowsAttempt(at: .now) { return nil }
        do {
            try await pacer.waitForSlot()
        } catch {
            return .cancelled
        }
        if let policy, !policy.allowsAttempt(at: .now) { return nil }
        let request = HTTPRequest(
            method: "POST",
            url: options.alertsURL,
            headers: [
                HTTPHeader("Authorization", "Bearer \(options.token.value)"),
                HTTPHeader("Content-Type", "application/json"),
                HTTPHeader("Accept", "application/json"),
            ],
            body: body,
            timeout: options.timeout
        )
        do {
            let response = try await curl.send(request)
            let kind = ResponseClass.classify(status: response.status, retryAfter: response.header("Retry-After"))
            let text = kind == .delivered ? "" : redact(response.errorText)
            return .answered(status: response.status, kind: kind, text: text)
        } catch {
            return .transport(message: redact(error.description), isTransient: error.isTransient)
        }
    }

    /// Sends a prepared JSON body, retrying 429, 5xx and network errors until the deadline.
    ///
    /// No request starts once the run's deadline has passed, the first one included: a body that was
    /// never sent then fails with 0 attempts, so a run against a BigPanda that never answers lasts at
    /// most the deadline plus one timeout, however many batches it has.
    public func send(body: [UInt8]) async -> DeliveryResult {
        let policy = retryPolicy(limit: .deadline(currentDeadline()))
        var attempts = 0
        var lastStatus: Int?
        var lastMessage: String?
        func failed(_ message: String?) -> DeliveryResult {
            DeliveryResult(outcome: .failed, httpStatus: lastStatus, attempts: attempts, message: message)
        }
        var stillFailing: String {
            "\(lastMessage ?? "no answer"), still failing at the deadline after \(attempts) attempt\(attempts == 1 ? "" : "s")"
        }
        // Why a stopped run sends no more: a refused token (any batch's), else the stop's cause.
        func halted() -> DeliveryResult? {
            if let reason = stopReason { return failed(reason) }
            guard stopRequested() else { return nil }
            return failed(
                attempts == 0 ? "not sent: \(stopCause)" : "\(lastMessage ?? "no answer"); not retried: \(stopCause)")
        }
        let loop = RetryLoop(policy: policy, stopRequested: stopRequested)
        let end = await loop.run { () async -> RetryLoop.Step<DeliveryResult, String> in
            if let halted = halted() { return .done(halted) }
            guard let answer = await attempt(body: body, within: policy) else {
                return .done(failed(attempts == 0 ? deadlineMessage : stillFailing))
            }
            switch answer {
            case .cancelled:
                return .done(failed("cancelled"))
            case .answered(let status, let kind, let text):
                attempts += 1
                lastStatus = status
                switch kind {
                case .delivered:
                    return .done(
                        DeliveryResult(outcome: .delivered, httpStatus: status, attempts: attempts, message: nil))
                case .unauthorized:
                    let reason =
                        "BigPanda refused the token (HTTP \(status): \(text)); check BIGPANDA_TOKEN or the token file"
                    stopped.withLock { if $0 == nil { $0 = reason } }
                    return .done(
                        DeliveryResult(outcome: .unauthorized, httpStatus: status, attempts: attempts, message: reason))
                case .permanent:
                    return .done(
                        DeliveryResult(
                            outcome: .permanent, httpStatus: status, attempts: attempts,
                            message: "HTTP \(status): \(text)"))
                case .retry(let after):
                    lastMessage = "HTTP \(status): \(text)"
                    return .retry(lastMessage ?? "", retryAfter: after)
                }
            case .transport(let message, let isTransient):
                attempts += 1
                lastStatus = nil
                guard isTransient else {
                    return .done(
                        DeliveryResult(outcome: .failed, httpStatus: nil, attempts: attempts, message: message))
                }
                lastMessage = message
                return .retry(message, retryAfter: nil)
            }
        } willRetry: { message, delay, _ in
            logger.info(
                "retrying a request",
                metadata: [
                    "http.status": "\(lastStatus.map(String.init) ?? "none")", "retry.attempt": "\(attempts)",
                    "retry.delay_seconds": "\(delay.inSeconds)", "error": "\(message)",
                ])
        }
        switch end {
        case .done(let result): return result
        case .limitReached: return failed(stillFailing)
        case .stopped: return halted() ?? failed(lastMessage)
        case .cancelled: return failed(lastMessage)
        }
    }

    /// This client's backoff (its options' base and cap) under `limit`: a run's deadline, or `forever`.
    public func retryPolicy(limit: RetryPolicy.Limit) -> RetryPolicy {
        RetryPolicy(base: options.backoffBase, cap: options.backoffCap, limit: limit)
    }

    private func redact(_ text: String) -> String {
        options.token.redact(text)
    }
}
