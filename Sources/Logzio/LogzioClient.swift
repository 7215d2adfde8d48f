import Alerts
public import Curl
public import Logging
import Redaction

/// Talks to one Logz.io account over libcurl: its alert definitions (`GET /v2/alerts`) and its trigger log
/// (`POST /v1/search`, in `LogzioClient+Search.swift`).
///
/// Every request goes through one attempt and retry path: 429, 5xx, 408 and transient network errors are
/// retried with backoff and full jitter within a time budget, and no error holds the token.
public final class LogzioClient: Sendable {
    let options: LogzioClientOptions
    let logger: Logger
    private let curl: CurlClient

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
        try await exchange(.definitions, deadline: ContinuousClock.now + options.retryBudget) {
            body throws(DefinitionListError) in try DefinitionList(decoding: body)
        }
    }

    /// Sends one request to `endpoint`, with `body` when it has one, retrying as `fetchDefinitions()`
    /// describes until `deadline`, and decodes a 2xx answer's body with `decode`. A body `decode` refuses
    /// is not retried.
    func exchange<Value, Failure: Error & CustomStringConvertible>(
        _ endpoint: LogzioEndpoint, body: [UInt8] = [], deadline: ContinuousClock.Instant,
        decode: ([UInt8]) throws(Failure) -> Value
    ) async throws(LogzioError) -> Value {
        let policy = RetryPolicy(base: options.backoffBase, cap: options.backoffCap, limit: .deadline(deadline))
        var attempts = 0
        var previous: LogzioError?
        let end = await RetryLoop(policy: policy).run {
            () async -> RetryLoop.Step<Result<Value, LogzioError>, LogzioError> in
            let remaining = deadline - ContinuousClock.now
            attempts += 1
            let cut = remaining < options.timeout
            let request = makeRequest(endpoint, body: body, timeout: min(options.timeout, remaining))
            switch await attempt(request, endpoint: endpoint, decode: decode) {
            case .success(let value):
                return .done(.success(value))
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
                "retrying a Logz.io request",
                metadata: [
                    "logzio.request": "\(endpoint)",
                    "http.status": "\(failure.httpStatus.map(String.init) ?? "none")", "retry.attempt": "\(attempts)",
                    "retry.delay_seconds": "\(delay.inSeconds)", "error": "\(failure)",
                ])
        }
        switch end {
        case .done(let result): return try result.get()
        case .limitReached(let failure, _): throw Self.counted(failure, attempts: attempts)
        case .stopped, .cancelled: throw .cancelled(endpoint)
        }
    }

    /// The result of one request.
    private enum Attempt<Value> {
        case success(Value)
        case failure(LogzioError, retryable: Bool, retryAfter: Duration?)
    }

    private func makeRequest(_ endpoint: LogzioEndpoint, body: [UInt8], timeout: Duration) -> HTTPRequest {
        var headers = [HTTPHeader("X-API-TOKEN", options.token.value), HTTPHeader("Accept", "application/json")]
        if endpoint.method == "POST" { headers.append(HTTPHeader("Content-Type", "application/json")) }
        return HTTPRequest(
            method: endpoint.method, url: options.url(of: endpoint), headers: headers, body: body,
            timeout: max(timeout, .milliseconds(1)))
    }

    private func attempt<Value, Failure: Error & CustomStringConvertible>(
        _ request: HTTPRequest, endpoint: LogzioEndpoint, decode: ([UInt8]) throws(Failure) -> Value
    ) async -> Attempt<Value> {
        let response: HTTPResponse
        do {
            response = try await curl.send(request)
        } catch {
            if Task.isCancelled { return .failure(.cancelled(endpoint), retryable: false, retryAfter: nil) }
            return .failure(
                .network(endpoint, message: redact(error.description), attempts: 1), retryable: error.isTransient,
                retryAfter: nil)
        }
        let status = response.status
        switch ResponseClass.classify(status: status, retryAfter: response.header("Retry-After")) {
        case .delivered:
            do throws(Failure) {
                return .success(try decode(response.body))
            } catch {
                return .failure(
                    .undecodable(endpoint, status: status, reason: redact(error.description)), retryable: false,
                    retryAfter: nil)
            }
        case .unauthorized:
            return .failure(
                .unauthorized(endpoint, status: status, text: errorText(response)), retryable: false, retryAfter: nil)
        case .permanent:
            return .failure(
                .http(endpoint, status: status, text: errorText(response), attempts: 1), retryable: false,
                retryAfter: nil)
        case .retry(let retryAfter):
            return .failure(
                .http(endpoint, status: status, text: errorText(response), attempts: 1), retryable: true,
                retryAfter: retryAfter)
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
        case .http(let endpoint, let status, let text, _):
            .http(endpoint, status: status, text: text, attempts: attempts)
        case .network(let endpoint, let message, _): .network(endpoint, message: message, attempts: attempts)
        default: error
        }
    }
}
