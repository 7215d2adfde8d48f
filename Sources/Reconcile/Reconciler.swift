public import Alerts
public import BigPanda
public import Ledger
public import Logging
import Staleness

/// One reconcile: search BigPanda, class each alert against the ledger, check the blast radius, then
/// adopt, re-close drift by id and mark what BigPanda resolved.
public final class Reconciler {
    private let ledger: any SweepQueries & ReconcileStore
    private let incidents: any IncidentsAPI
    private let options: ReconcileOptions
    private let logger: Logger
    private let wallClock: WallClock

    /// Creates a reconcile run.
    public init(
        ledger: any SweepQueries & ReconcileStore, incidents: any IncidentsAPI, options: ReconcileOptions,
        logger: Logger, wallClock: @escaping WallClock
    ) {
        self.ledger = ledger
        self.incidents = incidents
        self.options = options
        self.logger = logger
        self.wallClock = wallClock
    }

    /// A ledger alert with its match keys.
    struct Known {
        var alert: LedgerAlert
        var propertyKey: String?
        var incidentIdentifier: String?
        var sourceSystem: String?
    }

    /// The plan: classes, and the work each needs.
    struct Plan {
        var report = ReconcileReport()
        var remember: [(alertID: Int64, bigPandaAlertID: String)] = []
        var markResolved: [(alertID: Int64, eventID: Int64)] = []
        var adoptions: [(entry: Int, adoption: Adoption)] = []
        var drift: [(entry: Int, alert: LedgerAlert, bigPandaAlertID: String)] = []
    }

    /// Runs reconcile. Throws `IncidentsError` from BigPanda, or a ledger error.
    public func run() async throws -> ReconcileReport {
        let search = try await incidents.search(query: options.incidentQuery)
        var plan = try classify(search)
        let drift = plan.drift.count
        if !options.force,
            let reason = options.blastRadius.holdReason(closing: drift, of: plan.report.bigPandaActive, .driftOfActive)
        {
            plan.report.holdReason = reason
            for item in plan.drift { plan.report.entries[item.entry].action = .held }
            return plan.report
        }
        if options.dryRun { return plan.report }
        try await apply(&plan)
        return plan.report
    }

    /// Classes every alert of the search and of the ledger, and plans the work, changing nothing.
    func classify(_ search: IncidentSearch) throws -> Plan {
        var plan = Plan()
        plan.report.truncated = search.truncated
        let now = wallClock()
        var known: [Known] = []
        var byID: [String: Int] = [:]
        var byIncident: [String: Int] = [:]
        var byProperty: [String: Int] = [:]
        try ledger.forEachAlert(AlertFilter(states: [])) { alert in
            let payload = (try? alert.payload()) ?? JSONObject()
            let item = Known(
                alert: alert, propertyKey: AlertMatchKeys.propertyKey(payload: payload),
                incidentIdentifier: payload["incident_identifier"]?.stringValue,
                sourceSystem: payload["bigpanda_source_system"]?.stringValue)
            let index = known.count
            known.append(item)
            if let id = alert.bigPandaAlertID { byID[id] = byID[id] ?? index }
            if let incident = item.incidentIdentifier { byIncident[incident] = byIncident[incident] ?? index }
            // An alert with an incident identifier is that alert only; its properties identify nothing.
            if item.incidentIdentifier == nil, let key = item.propertyKey {
                // Prefer an open alert when several app keys share an identity.
                if let other = byProperty[key], known[other].alert.state == .open { return }
                byProperty[key] = index
            }
        }

        var activeMatch: [Int: IncidentAlert] = [:]
        var inactiveMatch: [Int: IncidentAlert] = [:]
        var outOfScope: Set<Int> = []
        for remote in search.alerts {
            let index =
                byID[remote.id] ?? remote.incidentKey.flatMap { byIncident[$0] }
                ?? AlertMatchKeys.propertyKey(remote).flatMap { byProperty[$0] }
            let inScope = options.sourceSystem.matches(remote.sourceSystem)
            if remote.active, inScope { plan.report.bigPandaActive += 1 }
            guard let index else {
                if remote.active, inScope { untracked(remote, existing: nil, into: &plan) }
                continue
            }
            if !inScope {
                outOfScope.insert(index)
            } else if remote.active {
                if activeMatch[index] == nil { activeMatch[index] = remote }
            } else if inactiveMatch[index] == nil {
                inactiveMatch[index] = remote
            }
        }

        let closeGrace = options.closeGrace.wholeSeconds
        for (index, item) in known.enumerated() {
            let alert = item.alert
            if let remote = activeMatch[index] {
                if alert.bigPandaAlertID != remote.id { plan.remember.append((alert.id, remote.id)) }
                switch alert.state {
                case .open, .rejected:
                    add(.tracked, alert, remote, .none, into: &plan)
                case .resolved:
                    if let by = alert.resolvedBy, by.isOurs {
                        if now - (alert.resolvedAt ?? 0) < closeGrace {
                            add(.pending, alert, remote, .none, into: &plan)
                        } else {
                            let entry = add(
                                .drift, alert, remote, options.dryRun ? .wouldCloseByID : .closedByID, into: &plan)
                            plan.drift.append((entry, alert, remote.id))
                        }
                    } else {
                        untracked(remote, existing: item, into: &plan)
                    }
                }
                continue
            }
            guard alert.state == .open, !outOfScope.contains(index) else { continue }
            if let remote = inactiveMatch[index] {
                if alert.bigPandaAlertID != remote.id { plan.remember.append((alert.id, remote.id)) }
                markResolvedElsewhere(alert, remote.id, remote.incidentID, into: &plan)
            } else if !search.truncated, options.incidentQuery == nil,
                item.sourceSystem.map({ options.sourceSystem.matches($0) }) ?? true
            {
                // Absent from a complete, unnarrowed search of the scope: not active in BigPanda.
                markResolvedElsewhere(alert, alert.bigPandaAlertID, nil, into: &plan)
            }
        }
        return plan
    }

    @discardableResult
    private func add(
        _ reconcileClass: ReconcileClass, _ alert: LedgerAlert, _ remote: IncidentAlert?, _ action: ReconcileAction,
        into plan: inout Plan
    ) -> Int {
        plan.report.entries.append(
            ReconcileEntry(
                reconcileClass: reconcileClass, identity: alert.display,
                bigPandaAlertID: remote?.id ?? alert.bigPandaAlertID, incidentID: remote?.incidentID, action: action,
                ledgerID: alert.id))
        return plan.report.entries.count - 1
    }

    private func markResolvedElsewhere(
        _ alert: LedgerAlert, _ bigPandaAlertID: String?, _ incidentID: String?, into plan: inout Plan
    ) {
        plan.report.entries.append(
            ReconcileEntry(
                reconcileClass: .resolvedElsewhere, identity: alert.display, bigPandaAlertID: bigPandaAlertID,
                incidentID: incidentID, action: options.dryRun ? .wouldMarkResolved : .markedResolved,
                ledgerID: alert.id))
        plan.markResolved.append((alert.id, alert.currentEventID))
    }

    private func untracked(_ remote: IncidentAlert, existing: Known?, into plan: inout Plan) {
        let parts = AlertMatchKeys.identityParts(remote)
        let display = existing?.alert.display ?? AlertIdentity(appKey: "", parts: parts).display
        let action: ReconcileAction = options.adopt ? (options.dryRun ? .wouldAdopt : .adopted) : .none
        plan.report.entries.append(
            ReconcileEntry(
                reconcileClass: .untracked, identity: display, bigPandaAlertID: remote.id,
                incidentID: remote.incidentID, action: action, ledgerID: existing?.alert.id))
        guard options.adopt else { return }
        let status = AlertStatus(parsing: remote.status).flatMap { $0 == .ok ? nil : $0 } ?? .critical
        // An alert the ledger knows keeps its own payload (and app key), so the sweep closes it by `ok`.
        var payload = AlertMatchKeys.adoptedPayload(remote, status: status)
        if let existing, var own = try? existing.alert.payload() {
            own["status"] = .string(status.rawValue)
            payload = own
        }
        let receivedAt = remote.lastEventAt ?? wallClock()
        plan.adoptions.append(
            (
                plan.report.entries.count - 1,
                Adoption(
                    parts: parts, payload: payload, status: status, receivedAt: receivedAt, bigPandaAlertID: remote.id,
                    existingAlertID: existing?.alert.id)
            ))
    }

    /// Does the planned work: ids, marks, adoptions, then the closes by id.
    private func apply(_ plan: inout Plan) async throws {
        let now = wallClock()
        try ledger.rememberBigPandaIDs(plan.remember)
        _ = try ledger.markResolvedInBigPanda(plan.markResolved, at: now)
        let adopted = try ledger.adopt(plan.adoptions.map(\.adoption), recordedAt: now)
        plan.report.adopted = adopted.count
        for (item, id) in zip(plan.adoptions, adopted) { plan.report.entries[item.entry].ledgerID = id }
        guard !plan.drift.isEmpty else { return }
        let sentAt = wallClock()
        var status: Int?
        var attempts = 1
        var failure: IncidentsError?
        do {
            (status, attempts) = try await incidents.resolve(
                ids: plan.drift.map(\.bigPandaAlertID),
                comments: "resolved by logzio-resolver: still active in BigPanda after it was closed (drift)")
        } catch {
            failure = error
        }
        if let failure, case .refused = failure { throw failure }
        let records = plan.drift.map { item in
            SendRecord(
                alertID: item.alert.id, appKey: item.alert.appKey, eventID: item.alert.currentEventID, sentAt: sentAt,
                timestamp: sentAt, rule: "reconcile", reason: "still active in BigPanda after our close (drift)",
                httpStatus: status, attempts: max(1, attempts), kind: failure == nil ? .delivered : .failed,
                error: failure?.description, method: .id)
        }
        let outcomes = try ledger.apply(records)
        for (item, outcome) in zip(plan.drift, outcomes) {
            if outcome == .resolved {
                plan.report.closed += 1
            } else {
                plan.report.entries[item.entry].action = .failed
            }
        }
        if let failure { plan.report.errors.append(failure.description) }
        logger.info(
            "reconcile closed drift by id",
            metadata: ["reconcile.drift": "\(plan.drift.count)", "reconcile.closed": "\(plan.report.closed)"])
    }
}
