import Alerts
public import Curl
public import Logging
import Redaction
import Synchronization

/// BigPanda's Incidents API over the libcurl client: paged incident search with expanded alerts, batch
/// alert resolution by id, and an incident's activities and comments. Paced, and retried as the Alerts
/// API client retries.
public final class IncidentsClient: Sendable {
    let options: IncidentsClientOptions
    private let curl: CurlClient
    private let logger: Logger
    let pacer: Pacer
    private let resolvePacer: Pacer
    private let requests = Mutex(0)

    /// Creates a client.
    public init(options: IncidentsClientOptions, curl: CurlClient, logger: Logger) {
        self.options = options
        self.curl = curl
        self.logger = logger
        pacer = Pacer(requestsPerSecond: options.requestsPerSecond)
        resolvePacer = Pacer(requestsPerSecond: options.resolveRequestsPerSecond)
    }

    /// How many requests went out, retries included.
    public var requestCount: Int { requests.withLock { $0 } }

    /// Reads every page of incidents matching `query` (BPQL, or nil for all) with their alerts.
    ///
    /// The search is truncated when the pages run out before `total` incidents were read.
    public func search(query: String?) async throws(IncidentsError) -> IncidentSearch {
        let policy = retryPolicy()
        var alerts: [IncidentAlert] = []
        var seenAlerts: Set<String> = []
        var seenIncidents: Set<String> = []
        var total = 0
        var page = 1
        while true {
            var parameters: [(String, String)] = []
            if let query { parameters.append(("query", query)) }
            parameters += [
                ("expand", "alerts"), ("page", String(page)), ("page_size", String(IncidentsClientOptions.pageSize)),
            ]
            let url =
                base + "/incidents?" + parameters.map { "\($0)=\(PercentEncoding.encoded($1))" }.joined(separator: "&")
            let body = try await request(method: "GET", url: url, body: [], paced: pacer, policy: policy).body
            guard let object = try? JSONParser.parse(body).objectValue, case .array(let items)? = object["items"] else {
                throw .failed(status: 200, message: "the search answer has no items array")
            }
            // Without a `total`, only a short (or empty) page ends the search.
            let reported = object["total"]?.integerValue.map(Int.init)
            if let reported { total = max(total, reported) }
            var fresh = 0
            for item in items {
                guard let incident = item.objectValue, let id = IncidentAlert.text(incident["id"]) else { continue }
                guard seenIncidents.insert(id).inserted else { continue }
                fresh += 1
                guard case .array(let members)? = incident["alerts"] else { continue }
                for member in members {
                    guard let alert = IncidentAlert.decode(member, of: incident, incidentID: id),
                        seenAlerts.insert(alert.id).inserted
                    else { continue }
                    alerts.append(alert)
                }
            }
            total = max(total, seenIncidents.count)
            if items.count < IncidentsClientOptions.pageSize || fresh == 0 { break }
            if reported != nil, seenIncidents.count >= total { break }
            page += 1
        }
        return IncidentSearch(
            alerts: alerts, total: total, incidentsRead: seenIncidents.count, truncated: seenIncidents.count < total)
    }

    /// Asks BigPanda to resolve these alerts, 500 ids per request at most; returns the last HTTP status
    /// and the requests it took.
    ///
    /// BigPanda applies it asynchronously and ignores unknown ids: only a later search proves it.
    public func resolve(ids: [String], comments: String) async throws(IncidentsError) -> (status: Int, attempts: Int) {
        var status = 200
        let policy = retryPolicy()
        var attempts = 0
        var start = 0
        while start < ids.count {
            let chunk = ids[start..<min(start + IncidentsClientOptions.maxResolveIDs, ids.count)]
            let body = JSONObject([
                ("ids", .array(chunk.map { .string($0) })), ("comments", .string(comments)),
            ]).serialized()
            let answer = try await request(
                method: "POST", url: base + "/batch-resolve/alerts", body: Array(body.utf8), paced: resolvePacer,
                policy: policy)
            status = answer.status
            attempts += answer.attempts
            start += chunk.count
        }
        return (status, attempts)
    }

    /// The backoff of one search, one resolution, one activities read or one comment: its deadline
    /// counts from now.
    func retryPolicy() -> RetryPolicy {
        RetryPolicy(base: options.backoffBase, cap: options.backoffCap, limit: .deadline(.now + options.deadline))
    }

    /// `api_url` without its trailing slashes: the activities endpoint is not under an environment.
    var root: String {
        var root = options.apiURL
        while root.hasSuffix("/") { root.removeLast() }
        return root
    }

    /// The environment's resources, under which searches, resolutions and comments go.
    var base: String {
        root + "/resources/v2.0/environments/" + PercentEncoding.encoded(options.environmentID)
    }

    /// One call with retries: 429, 5xx, 408 and transient network errors back off with full jitter
    /// (honouring `Retry-After`) until the deadline; 401, 403 and 404 are refusals; other 4xx fail at
    /// once. Returns the answer and how many requests it took.
    func request(
        method: String, url: String, body: [UInt8], paced: Pacer, policy: RetryPolicy
    ) async throws(IncidentsError) -> (status: Int, body: [UInt8], attempts: Int) {
        var attempts = 0
        var status: Int?
        var headers = [
            HTTPHeader("Authorization", "Bearer \(options.apiKey.value)"),
            HTTPHeader("Accept", "application/json"),
        ]
        if method == "POST" { headers.append(HTTPHeader("Content-Type", "application/json")) }
        let request = HTTPRequest(method: method, url: url, headers: headers, body: body, timeout: options.timeout)
        typealias Answer = Result<(status: Int, body: [UInt8]), IncidentsError>
        let end = await RetryLoop(policy: policy).run { () async -> RetryLoop.Step<Answer, String> in
            do {
                try await pacer.waitForSlot()
                if paced !== pacer { try await paced.waitForSlot() }
            } catch {
                return .done(.failure(.failed(status: nil, message: "cancelled")))
            }
            attempts += 1
            requests.withLock { $0 += 1 }
            status = nil
            let response: HTTPResponse
            do throws(CurlError) {
                response = try await curl.send(request)
            } catch {
                let message = options.apiKey.redact(error.description)
                return error.isTransient
                    ? .retry(message, retryAfter: nil) : .done(.failure(.failed(status: nil, message: message)))
            }
            status = response.status
            let text = { self.options.apiKey.redact(response.errorText) }
            if response.status == 404 { return .done(.failure(.refused(status: 404, text: text()))) }
            switch ResponseClass.classify(status: response.status, retryAfter: response.header("Retry-After")) {
            case .delivered: return .done(.success((response.status, response.body)))
            case .unauthorized: return .done(.failure(.refused(status: response.status, text: text())))
            case .permanent: return .done(.failure(.failed(status: response.status, message: text())))
            case .retry(let after): return .retry("HTTP \(response.status): \(text())", retryAfter: after)
            }
        } willRetry: { problem, delay, _ in
            logger.info(
                "retrying an Incidents API request",
                metadata: [
                    "http.status": "\(status.map(String.init) ?? "none")", "retry.attempt": "\(attempts)",
                    "retry.delay_seconds": "\(delay.inSeconds)", "error": "\(problem)",
                ])
        }
        switch end {
        case .done(let answer):
            let success = try answer.get()
            return (success.status, success.body, attempts)
        case .limitReached(let problem, _):
            throw .failed(
                status: status,
                message:
                    "\(problem), still failing at the deadline after \(attempts) attempt\(attempts == 1 ? "" : "s")")
        case .stopped, .cancelled:
            throw .failed(status: status, message: "cancelled")
        }
    }
}
