import Alerts
import BigPanda
import Ledger
import Logging
import Staleness

extension Sweeper {
    /// Reads what people set in BigPanda before closing: one paged search of the scope finds the
    /// candidates' alerts (remembered in the ledger), and a candidate whose rule keeps alerts for a hold
    /// is kept when its incident has one (activities are read only for incidents about to be closed, and
    /// only for `assigned` and `commented`). Returns the candidates left to close.
    ///
    /// The search runs only when something is to be closed and a rule uses `keep_when`, or comments are
    /// on and the run sends. When the Incidents API cannot be read, the alerts under `keep_when` rules are
    /// kept and the run fails (exit 1); the others go on.
    func consultPeople(
        _ candidates: [Candidate], people: PeopleSettings, incidents: any IncidentsAPI, into report: inout SweepReport
    ) async throws -> [Candidate] {
        let holds = candidates.map { people.ignoreHolds ? [] : people.keepWhen($0.rule) }
        let needsHolds = holds.contains { !$0.isEmpty }
        guard needsHolds || (people.commentOnClose && !options.dryRun) else { return candidates }
        let search: IncidentSearch
        do {
            search = try await incidents.search(query: people.incidentQuery)
        } catch {
            return keepUnread(candidates, holds: holds, because: error.description, into: &report)
        }
        let index = RemoteIndex(search.alerts.filter { people.sourceSystem?.matches($0.sourceSystem) ?? true })
        var remaining: [Candidate] = []
        var remember: [(alertID: Int64, bigPandaAlertID: String)] = []
        var feeds: [String: [IncidentActivity]] = [:]
        var unread: String?
        for (position, found) in candidates.enumerated() {
            var candidate = found
            candidate.remote = index.match(candidate)
            if let remote = candidate.remote, candidate.bigPandaAlertID != remote.id {
                remember.append((candidate.alertID, remote.id))
            }
            let checking = holds[position]
            guard let remote = candidate.remote, !checking.isEmpty else {
                remaining.append(candidate)
                continue
            }
            let now = wallClock()
            var held = IncidentHold.holds(
                on: remote, activities: [], lastEventAt: candidate.lastReceived, now: now,
                checking: checking.filter { !$0.needsActivities })
            if held.isEmpty, checking.contains(where: \.needsActivities) {
                var feed = feeds[remote.incidentID]
                if feed == nil {
                    do {
                        feed = try await incidents.activities(incidentID: remote.incidentID)
                        feeds[remote.incidentID] = feed
                    } catch {
                        unread = unread ?? error.description
                        report.actions.append(action(candidate, .kept, reason: PeopleSettings.unreadable))
                        continue
                    }
                }
                held = IncidentHold.holds(
                    on: remote, activities: feed ?? [], lastEventAt: candidate.lastReceived, now: now,
                    checking: checking.filter(\.needsActivities))
            }
            guard let hold = held.first else {
                remaining.append(candidate)
                continue
            }
            report.keptByPeople[hold.hold, default: 0] += 1
            var kept = action(candidate, .kept, reason: "kept: \(hold.reason)")
            kept.heldBy = hold.hold
            report.actions.append(kept)
        }
        if !remember.isEmpty, !options.dryRun { try ledger.rememberBigPandaIDs(remember) }
        if let unread {
            report.errors.append(Self.unreadLine(unread))
            report.incidentsUnread = true
        }
        return remaining
    }

    /// Keeps every candidate whose rule keeps alerts for a hold, since the Incidents API could not be
    /// read; returns the others.
    private func keepUnread(
        _ candidates: [Candidate], holds: [Set<IncidentHold>], because error: String, into report: inout SweepReport
    ) -> [Candidate] {
        guard holds.contains(where: { !$0.isEmpty }) else {
            // Only comments needed the search: the closes go on, without comments.
            logger.warning("cannot read BigPanda's incidents; no comments this run", metadata: ["error": "\(error)"])
            return candidates
        }
        var remaining: [Candidate] = []
        for (candidate, checking) in zip(candidates, holds) {
            if checking.isEmpty {
                remaining.append(candidate)
            } else {
                report.actions.append(action(candidate, .kept, reason: PeopleSettings.unreadable))
            }
        }
        report.errors.append(Self.unreadLine(error))
        report.incidentsUnread = true
        return remaining
    }

    /// The error line of a run whose holds could not be read.
    static func unreadLine(_ error: String) -> String {
        "BigPanda's Incidents API could not be read (\(error)); alerts under keep_when rules were kept open"
    }

    /// BigPanda's alerts of the search by the keys a ledger alert matches them on: the BigPanda alert id
    /// the ledger remembers, the incident identifier against `incident_key`, else the properties.
    struct RemoteIndex {
        private var byID: [String: IncidentAlert] = [:]
        private var byIncidentKey: [String: IncidentAlert] = [:]
        private var byProperty: [String: IncidentAlert] = [:]

        init(_ alerts: [IncidentAlert]) {
            // An active alert wins over an inactive one with the same keys: it is the one to close.
            for alert in alerts.sorted(by: { !$0.active && $1.active }) {
                byID[alert.id] = alert
                if let key = alert.incidentKey { byIncidentKey[key] = alert }
                if let key = AlertMatchKeys.propertyKey(alert) { byProperty[key] = alert }
            }
        }

        func match(_ candidate: Candidate) -> IncidentAlert? {
            if let id = candidate.bigPandaAlertID, let found = byID[id] { return found }
            if let key = candidate.incidentIdentifier { return byIncidentKey[key] }
            return candidate.propertyKey.flatMap { byProperty[$0] }
        }
    }
}
