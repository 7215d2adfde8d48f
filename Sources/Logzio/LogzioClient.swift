import Alerts
public import Curl
public import Logging
import Redaction

/// Reads an account's alert definitions from Logz.io (`GET /v2/alerts`) over libcurl, retrying
/// 429, 5xx and transient network errors with backoff and full jitter within a time budget.
public final class LogzioClient: Sendable {
    private let options: LogzioClientOptions
    private let curl: CurlClient
    private let logger: Logger

    /// Creates a client that sends through `curl`; it does not own or shut down `curl`.
    public init(options: LogzioClientOptions, curl: CurlClient, logger: Logger) {
        self.options = options
        self.curl = curl
        self.logger = logger
    }

    /// Fetches every alert definition of the account.
    ///
    /// 429, 5xx, 408 and transient network errors are retried until `retryBudget` seconds have
    /// passed since the first request, honouring `Retry-After`; a `Retry-After` beyond the budget
    /// ends the fetch at once. An attempt's timeout is the per-request timeout, cut to what is left
    /// of the budget.
    ///
    /// - Throws: `LogzioError`: `.unauthorized` for 401 and 403, and otherwise an error naming the
    ///   HTTP status and Logz.io's error text, or the network error. No error holds the token.
    public func fetchDefinitions() async throws(LogzioError) -> DefinitionList {
        let deadline = ContinuousClock.now + options.retryBudget
        let policy = RetryPolicy(base: options.backoffBase, cap: options.backoffCap, limit: .deadline(deadline))
        var attempts = 0
        var previous: LogzioError?
        let end = await RetryLoop(policy: policy).run {
            () async -> RetryLoop.Step<Result<DefinitionList, LogzioError>, LogzioError> in
            let remaining = deadline - ContinuousClock.now
            attempts += 1
            let cut = remaining < options.timeout
            switch await attempt(timeout: min(options.timeout, remaining)) {
            case .success(let list):
                return .done(.success(list))
            case .failure(let error, let retryable, let retryAfter):
                guard retryable else { return .done(.failure(error)) }
                // A last attempt whose timeout the budget cut short says nothing new: report what Logz.io
                // answered before it.
                var failure = error
                if cut, failure.httpStatus == nil, let previous { failure = previous }
                previous = failure
                return .retry(failure, retryAfter: retryAfter)
            }
        } willRetry: { failure, delay, _ in
            logger.info(
                "retrying the Logz.io alert definitions request",
                metadata: [
                    "http.status": "\(failure.httpStatus.map(String.init) ?? "none")", "retry.attempt": "\(attempts)",
                    "retry.delay_seconds": "\(delay.inSeconds)", "error": "\(failure)",
                ])
        }
        switch end {
        case .done(let result): return try result.get()
        case .limitReached(let failure, _): throw Self.counted(failure, attempts: attempts)
        case .stopped, .cancelled: throw .cancelled
        }
    }

    /// The result of one request.
    private enum Attempt {
        case success(DefinitionList)
        case failure(LogzioError, retryable: Bool, retryAfter: Duration?)
    }

    private func attempt(timeout: Duration) async -> Attempt {
        let request = HTTPRequest(
            method: "GET",
            url: options.definitionsURL,
            headers: [HTTPHeader("X-API-TOKEN", options.token.value), HTTPHeader("Accept", "application/json")],
            timeout: max(timeout, .milliseconds(1))
        )
        let response: HTTPResponse
        do {
            response = try await curl.send(request)
        } catch {
            if Task.isCancelled { return .failure(.cancelled, retryable: false, retryAfter: nil) }
            return .failure(
                .network(message: redact(error.description), attempts: 1), retryable: error.isTransient,
                retryAfter: nil)
        }
        let status = response.status
        switch ResponseClass.classify(status: status, retryAfter: response.header("Retry-After")) {
        case .delivered:
            do {
                return .success(try DefinitionList(decoding: response.body))
            } catch {
                return .failure(
                    .undecodable(status: status, reason: redact(error.description)), retryable: false, retryAfter: nil)
            }
        case .unauthorized:
            return .failure(.unauthorized(status: status, text: errorText(response)), retryable: false, retryAfter: nil)
        case .permanent:
            return .failure(
                .http(status: status, text: errorText(response), attempts: 1), retryable: false, retryAfter: nil)
        case .retry(let retryAfter):
            return .failure(
                .http(status: status, text: errorText(response), attempts: 1), retryable: true, retryAfter: retryAfter)
        }
    }

    private func errorText(_ response: HTTPResponse) -> String {
        redact(response.errorText)
    }

    private func redact(_ text: String) -> String {
        options.token.redact(text)
    }

    private static func counted(_ error: LogzioError, attempts: Int) -> LogzioError {
        switch error {
        case .http(let status, let text, _): .http(status: status, text: text, attempts: attempts)
        case .network(let message, _): .network(message: message, attempts: attempts)
        default: error
        }
    }
}
