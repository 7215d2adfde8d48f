public import Alerts
public import Curl
public import Logging
import Synchronization

/// Sends events to BigPanda's Alerts API: paced, retried with backoff and full jitter, within a deadline.
public final class AlertsClient: Sendable {
    private let options: AlertsClientOptions
    private let curl: CurlClient
    private let logger: Logger
    private let pacer: Pacer
    private let deadline: ContinuousClock.Instant
    private let stopped: Mutex<String?> = Mutex(nil)

    /// The User-Agent sent with every request.
    public static let userAgent = "logzio-resolver/\(ResolverVersion.current)"

    /// Creates a client; the deadline starts now.
    public init(options: AlertsClientOptions, curl: CurlClient, logger: Logger) {
        self.options = options
        self.curl = curl
        self.logger = logger
        self.pacer = Pacer(requestsPerSecond: options.requestsPerSecond)
        self.deadline = .now + .seconds(options.deadline)
    }

    /// Why sending stopped (a refused token), or nil while it goes on.
    public var stopReason: String? { stopped.withLock { $0 } }

    /// Sends one batch of alerts for one app key.
    public func send(appKey: String, alerts: [JSONObject]) async -> DeliveryResult {
        await send(body: WireFormat.batchBody(appKey: appKey, alerts: alerts))
    }

    /// Sends a prepared JSON body, retrying 429, 5xx and network errors until the deadline.
    public func send(body: [UInt8]) async -> DeliveryResult {
        let request = HTTPRequest(
            method: "POST",
            url: options.alertsURL,
            headers: [
                HTTPHeader("Authorization", "Bearer \(options.token.value)"),
                HTTPHeader("Content-Type", "application/json"),
                HTTPHeader("Accept", "application/json"),
                HTTPHeader("Expect", ""),
            ],
            body: body,
            timeout: options.timeout
        )
        var attempts = 0
        var lastStatus: Int?
        var lastMessage: String?
        while true {
            if let reason = stopReason {
                return DeliveryResult(outcome: .failed, httpStatus: lastStatus, attempts: attempts, message: reason)
            }
            do {
                try await pacer.waitForSlot()
            } catch {
                return DeliveryResult(outcome: .failed, httpStatus: lastStatus, attempts: attempts, message: "cancelled")
            }
            attempts += 1
            let retryAfter: Double?
            do {
                let response = try await curl.send(request)
                lastStatus = response.status
                let kind = ResponseClass.classify(status: response.status, retryAfter: response.header("Retry-After"))
                switch kind {
                case .delivered:
                    return DeliveryResult(outcome: .delivered, httpStatus: response.status, attempts: attempts, message: nil)
                case .unauthorized:
                    let text = redact(WireFormat.errorText(from: response.body))
                    let reason = "BigPanda refused the token (HTTP \(response.status): \(text)); check BIGPANDA_TOKEN or the token file"
                    stopped.withLock { if $0 == nil { $0 = reason } }
                    return DeliveryResult(outcome: .unauthorized, httpStatus: response.status, attempts: attempts, message: reason)
                case .permanent:
                    let text = redact(WireFormat.errorText(from: response.body))
                    return DeliveryResult(
                        outcome: .permanent, httpStatus: response.status, attempts: attempts,
                        message: "HTTP \(response.status): \(text)")
                case .retry(let after):
                    retryAfter = after
                    lastMessage = "HTTP \(response.status): \(redact(WireFormat.errorText(from: response.body)))"
                }
            } catch {
                guard error.isTransient else {
                    return DeliveryResult(
                        outcome: .failed, httpStatus: lastStatus, attempts: attempts, message: redact(error.description))
                }
                lastStatus = nil
                retryAfter = nil
                lastMessage = redact(error.description)
            }
            let delay = backoff(attempt: attempts, retryAfter: retryAfter)
            guard ContinuousClock.now + .seconds(delay) < deadline else {
                return DeliveryResult(
                    outcome: .failed, httpStatus: lastStatus, attempts: attempts,
                    message: "\(lastMessage ?? "no answer"), still failing at the deadline after \(attempts) attempt\(attempts == 1 ? "" : "s")")
            }
            logger.info(
                "retrying a request",
                metadata: [
                    "http.status": "\(lastStatus.map(String.init) ?? "none")", "retry.attempt": "\(attempts)",
                    "retry.delay_seconds": "\(delay)", "error": "\(lastMessage ?? "")",
                ])
            do {
                try await Task.sleep(for: .seconds(delay))
            } catch {
                return DeliveryResult(outcome: .failed, httpStatus: lastStatus, attempts: attempts, message: lastMessage)
            }
        }
    }

    /// Full jitter: a random wait up to an exponentially growing ceiling, but never less than `Retry-After`.
    private func backoff(attempt: Int, retryAfter: Double?) -> Double {
        let ceiling = min(options.backoffCap, options.backoffBase * Double(1 << min(attempt - 1, 20)))
        let jitter = Double.random(in: 0...ceiling)
        return max(jitter, retryAfter ?? 0)
    }

    private func redact(_ text: String) -> String {
        options.token.redact(text)
    }
}
