public import Alerts
public import BigPanda
public import Ledger
public import Logging
public import Staleness

/// The end of `sweep --all --verify`: search BigPanda until no alert in scope is active, closing by id,
/// once each, whatever is still active after our close was accepted.
public final class Verifier {
    private let ledger: any SweepQueries
    private let incidents: any IncidentsAPI
    private let sourceSystem: GlobPattern
    private let incidentQuery: String?
    private let logger: Logger
    private let wallClock: WallClock

    /// The wait before the first search and between searches (10 s).
    public var interval: Duration = .seconds(10)
    /// How long to keep searching, counted from the first search (`--verify-timeout`, default 5m).
    public var timeout: Duration = .seconds(300)
    /// Alerts a person holds in BigPanda, by BigPanda alert id, with why: never closed by id, and not
    /// waited for (verification fails naming them).
    public var held: [String: String] = [:]

    /// An alert BigPanda still shows active at the end.
    public struct StillActive: Sendable, Equatable {
        /// The identity without an app key.
        public var identity: String
        /// BigPanda's alert id.
        public var bigPandaAlertID: String
        /// BigPanda's incident id.
        public var incidentID: String
        /// Why a person's hold keeps it open, when one does.
        public var heldBy: String?
    }

    /// What verification found.
    public struct Result: Sendable {
        /// Whether BigPanda showed zero active alerts in scope.
        public var verified = false
        /// The alerts still active at the last search.
        public var stillActive: [StillActive] = []
        /// Alerts closed by id during verification.
        public var closedByID = 0
        /// Searches made.
        public var searches = 0
        /// Whether a search was truncated, so "zero active" could not be proved.
        public var truncated = false
        /// One line per failure, for stderr.
        public var errors: [String] = []

        /// An empty result: nothing verified yet.
        public init() {}
    }

    /// Creates a verification.
    public init(
        ledger: any SweepQueries, incidents: any IncidentsAPI, sourceSystem: GlobPattern, incidentQuery: String?,
        logger: Logger, wallClock: @escaping WallClock
    ) {
        self.ledger = ledger
        self.incidents = incidents
        self.sourceSystem = sourceSystem
        self.incidentQuery = incidentQuery
        self.logger = logger
        self.wallClock = wallClock
    }

    /// Polls BigPanda and closes stragglers by id. Throws `IncidentsError.refused` on a refused key.
    public func run() async throws -> Result {
        var result = Result()
        var byBigPandaID: [String: LedgerAlert] = [:]
        try ledger.forEachAlert(AlertFilter(states: [])) { alert in
            if let id = alert.bigPandaAlertID { byBigPandaID[id] = alert }
        }
        var closedOnce: Set<String> = []
        let clock = ContinuousClock()
        try await Task.sleep(for: interval)
        let first = clock.now
        while true {
            let search: IncidentSearch
            do {
                search = try await incidents.search(query: incidentQuery)
            } catch {
                if case .refused = error { throw error }
                result.errors.append(error.description)
                if clock.now - first >= timeout { break }
                try await Task.sleep(for: interval)
                continue
            }
            result.searches += 1
            result.truncated = search.truncated
            let active = search.alerts.filter { $0.active && sourceSystem.matches($0.sourceSystem) }
            result.stillActive = active.map { remote in
                StillActive(
                    identity: byBigPandaID[remote.id]?.display
                        ?? AlertIdentity(appKey: "", parts: AlertMatchKeys.identityParts(remote)).display,
                    bigPandaAlertID: remote.id, incidentID: remote.incidentID, heldBy: held[remote.id])
            }
            logger.info(
                "verify searched BigPanda",
                metadata: ["verify.active": "\(active.count)", "verify.search": "\(result.searches)"])
            // What a person holds stays active; only the rest is waited for.
            let closable = active.filter { held[$0.id] == nil }
            if closable.isEmpty, !search.truncated {
                result.verified = active.isEmpty
                return result
            }
            let again = closable.filter { closedOnce.insert($0.id).inserted }
            if !again.isEmpty {
                try await close(again, known: byBigPandaID, into: &result)
            }
            if clock.now - first >= timeout { break }
            try await Task.sleep(for: interval)
        }
        return result
    }

    private func close(_ alerts: [IncidentAlert], known: [String: LedgerAlert], into result: inout Result) async throws
    {
        let sentAt = wallClock()
        var status: Int?
        var attempts = 1
        var failure: IncidentsError?
        do {
            (status, attempts) = try await incidents.resolve(
                ids: alerts.map(\.id), comments: "resolved by logzio-resolver: closed by sweep --all --verify")
        } catch {
            if case .refused = error { throw error }
            failure = error
            result.errors.append(error.description)
        }
        let records = alerts.compactMap { remote -> SendRecord? in
            guard let alert = known[remote.id] else { return nil }
            return SendRecord(
                alertID: alert.id, appKey: alert.appKey, eventID: alert.currentEventID, sentAt: sentAt,
                timestamp: sentAt, rule: "verify", reason: "still active in BigPanda after sweep --all",
                httpStatus: status, attempts: max(1, attempts), kind: failure == nil ? .delivered : .failed,
                error: failure?.description, method: .id)
        }
        _ = try ledger.apply(records)
        if failure == nil { result.closedByID += alerts.count }
    }
}
