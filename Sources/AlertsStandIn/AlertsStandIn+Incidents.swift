public import Alerts
import StandInHTTP
import Synchronization

extension AlertsStandIn {
    /// Adds alerts that BigPanda shows but the ledger never saw (forwarded before install).
    public func seed(_ alerts: [StandInAlert]) {
        box.mutex.withLock { $0.incidents.seed(alerts) }
    }

    /// Applies an event as if it had reached BigPanda earlier (forwarded by the relay or Logz.io),
    /// without counting it among the requests or `received`: tests use it so the stand-in's state is
    /// the oracle of what BigPanda would show after a sweep.
    public func forwarded(_ alert: JSONObject, appKey: String, at: Int64) {
        box.mutex.withLock { $0.incidents.apply(event: alert, appKey: appKey, now: at) }
    }

    /// Every alert the stand-in's BigPanda holds, with due resolutions applied.
    public var bigPandaAlerts: [StandInAlert] {
        box.mutex.withLock { state in
            state.incidents.settle(at: AlertsStandIn.monotonic(), wall: AlertsStandIn.wallClock())
            return state.incidents.alerts
        }
    }

    /// The active alerts, with due resolutions applied.
    public var activeAlerts: [StandInAlert] { bigPandaAlerts.filter(\.active) }

    /// Sets how long batch resolution takes to apply (default 1 s).
    public func setResolveDelay(_ delay: Duration) {
        box.mutex.withLock { $0.incidents.resolveDelay = delay.inSeconds }
    }

    /// Limits how many incidents one search can read (BigPanda: 10,000), to test truncation.
    public func setMaxSearchResults(_ count: Int) {
        box.mutex.withLock { $0.incidents.maxResults = count }
    }

    /// Makes batch resolution ignore these alert ids, as if BigPanda kept them open.
    public func keepOpen(ids: Set<String>) {
        box.mutex.withLock { $0.incidents.keepOpen = ids }
    }

    /// Accepts `ok` events for which `drop` is true with a 201, then silently drops them.
    public func dropOKs(_ drop: @escaping @Sendable (JSONObject) -> Bool) {
        box.mutex.withLock { $0.incidents.dropOKs = drop }
    }

    /// Writes alerts with `alert_id` instead of `id`, and without `active`, as some answers do.
    public func useSparseAlertFields() {
        box.mutex.withLock { state in
            state.incidents.idField = "alert_id"
            state.incidents.omitActive = true
        }
    }

    /// Sets the `source_system` prefix of alerts sent through the Alerts API (default `logzio.`).
    public func setSourceSystemPrefix(_ prefix: String) {
        box.mutex.withLock { $0.incidents.sourceSystemPrefix = prefix }
    }

    /// Every search's `query` parameter so far.
    public var searchQueries: [String?] { box.mutex.withLock { $0.incidents.queries } }
    /// The ids of every accepted batch resolution so far.
    public var resolveRequests: [[String]] { box.mutex.withLock { $0.incidents.resolveBodies } }

    /// Answers an Incidents API request as BigPanda would.
    static func incidentsReply(
        _ request: StandInRequest, box: Box, apiKey: String?, orgToken: String, environmentID: String
    ) -> StandInResponse {
        func failure(_ status: Int, _ message: String) -> StandInResponse {
            .json(status, JSONObject([("status", .string("failure")), ("error", .string(message))]).serialized())
        }
        guard let apiKey else { return failure(404, "Not Found") }
        let authorization = request.header("Authorization")
        guard authorization == "Bearer \(apiKey)" else {
            return failure(
                401,
                authorization == "Bearer \(orgToken)"
                    ? "Unauthorized: an org token is not a user API key" : "Unauthorized")
        }
        if request.path.hasPrefix(activitiesPrefix) { return activitiesReply(request, box: box) }
        let (path, query) = split(request.path)
        let prefix = "/resources/v2.0/environments/"
        guard path.hasPrefix(prefix) else { return failure(404, "Not Found") }
        let rest = path.dropFirst(prefix.count).split(separator: "/", omittingEmptySubsequences: false).map(String.init)
        guard rest.count >= 2, rest[0] == environmentID else { return failure(404, "environment not found") }
        let now = monotonic()
        let wall = wallClock()
        switch (request.method, Array(rest.dropFirst())) {
        case ("GET", ["incidents"]):
            let pageSize = Int(query["page_size"] ?? "") ?? 25
            let page = Int(query["page"] ?? "") ?? 1
            if query["expand"] == "alerts", pageSize > 10 {
                return failure(400, "page_size must be at most 10 with expand=alerts")
            }
            guard pageSize >= 1, page >= 1 else { return failure(400, "bad page or page_size") }
            return box.mutex.withLock { state in
                state.incidents.settle(at: now, wall: wall)
                state.incidents.queries.append(query["query"])
                let all = state.incidents.alerts
                let visible = all.prefix(state.incidents.maxResults)
                let start = (page - 1) * pageSize
                let items = start < visible.count ? Array(visible[start..<min(start + pageSize, visible.count)]) : []
                let body = JSONObject([
                    ("total", .integer(Int64(all.count))),
                    ("items", .array(items.map(state.incidents.incidentJSON))),
                ])
                return .json(200, body.serialized())
            }
        case ("POST", ["batch-resolve", "alerts"]):
            guard let body = try? JSONParser.parse(request.body).objectValue, case .array(let list)? = body["ids"]
            else {
                return failure(400, "the body must be {\"ids\": [...], \"comments\": \"...\"}")
            }
            let ids = list.compactMap { $0.stringValue ?? ($0.isInteger ? $0.matchText : nil) }
            guard ids.count == list.count, !ids.isEmpty, ids.count <= 500 else {
                return failure(400, "ids must be 1 to 500 alert ids")
            }
            return box.mutex.withLock { state in
                if let last = state.incidents.lastResolve, now - last < 1.0 {
                    return failure(429, "Too Many Requests: at most one batch resolution per second")
                }
                state.incidents.lastResolve = now
                state.incidents.resolveBodies.append(ids)
                state.incidents.scheduled.append((now + state.incidents.resolveDelay, ids))
                return .json(202, #"{"status":"accepted"}"#)
            }
        case ("POST", let parts) where parts.count == 3 && parts[0] == "incidents" && parts[2] == "comments":
            return commentReply(request, incidentID: parts[1], box: box)
        default:
            return failure(404, "Not Found")
        }
    }

    /// Splits a request target into its path and decoded query parameters.
    static func split(_ target: String) -> (String, [String: String]) {
        guard let mark = target.firstIndex(of: "?") else { return (target, [:]) }
        var parameters: [String: String] = [:]
        for pair in target[target.index(after: mark)...].split(separator: "&") {
            let parts = pair.split(separator: "=", maxSplits: 1).map(String.init)
            guard let name = parts.first else { continue }
            parameters[name] = decode(parts.count > 1 ? parts[1] : "")
        }
        return (String(target[..<mark]), parameters)
    }

    private static func decode(_ text: String) -> String {
        var bytes: [UInt8] = []
        var iterator = Array(text.utf8).makeIterator()
        while let byte = iterator.next() {
            if byte == UInt8(ascii: "%"), let high = iterator.next(), let low = iterator.next(),
                let value = UInt8(String(decoding: [high, low], as: UTF8.self), radix: 16)
            {
                bytes.append(value)
            } else if byte == UInt8(ascii: "+") {
                bytes.append(UInt8(ascii: " "))
            } else {
                bytes.append(byte)
            }
        }
        return String(decoding: bytes, as: UTF8.self)
    }
}
