import Alerts
import BigPanda
import Ledger
import Logging
import Staleness

extension Sweeper {
    /// The select stage: every open alert in scope, each kept (with why) or a candidate for an `ok`.
    ///
    /// When the report need not list the kept alerts, only those that can be stale are read (see
    /// `candidateCutoff`) and the others are counted.
    func select() throws -> (SweepReport, [Candidate]) {
        var report = SweepReport()
        var candidates: [Candidate] = []
        let evaluator = AlertEvaluator(
            policy: options.policy, feed: feed, auto: auto, evidence: evidence, extraFields: payloadFields)
        let forwarding = try ledger.alertsWithPendingForward()
        var filter = AlertFilter(states: [.open], appKey: options.appKey)
        // The payload is read only when a decision reads its fields; the batch re-read takes it anyway.
        // With people's holds or comments, a candidate's identity fields find its BigPanda alert.
        filter.payloads = evaluator.readsPayload || people != nil
        let counted = candidateCutoff()
        if let cutoff = counted {
            report.open = try ledger.countAlerts(filter)
            filter.lastReceivedAtMost = cutoff
        }
        func keep(_ alert: LedgerAlert, _ rule: String?, _ reason: String, _ decision: StalenessDecision? = nil) {
            if decision?.keptByTrigger == true { report.keptByTrigger += 1 }
            guard options.reportKept else { return }
            var kept = SweepAction(
                identity: alert.display, appKey: alert.appKey, action: .kept, rule: rule, reason: reason)
            if let decision { kept.evidence = decision.evidence }
            report.actions.append(kept)
        }
        try ledger.forEachAlert(filter) { alert in
            if counted == nil { report.open += 1 }
            if forwarding.contains(alert.id) {
                keep(alert, nil, "its last event is still waiting in the relay's outbox to be forwarded")
                return
            }
            let decision: StalenessDecision
            switch evaluator.evaluate(alert, now: options.now) {
            case .decided(let decided):
                decision = decided
            case .unreadable(let reason):
                keep(alert, nil, reason)
                return
            }
            if options.all {
                let silence = DurationText.format(max(0, options.now - alert.lastReceived))
                candidates.append(
                    candidate(alert, decision, reason: "closed by sweep --all (last notification \(silence) ago)"))
            } else if decision.isStale {
                candidates.append(candidate(alert, decision, reason: decision.reason))
            } else {
                keep(alert, decision.rule, decision.reason, decision)
            }
        }
        return (report, candidates)
    }

    /// A stale alert as the later stages take it; with people's holds or comments, also the keys that find
    /// its BigPanda alert.
    private func candidate(_ alert: LedgerAlert, _ decision: StalenessDecision, reason: String) -> Candidate {
        var made = Candidate(
            alertID: alert.id, eventID: alert.currentEventID, appKey: alert.appKey, identity: alert.display,
            rule: decision.rule, reason: reason, adopted: alert.adopted, bigPandaAlertID: alert.bigPandaAlertID,
            evidence: options.all ? .none : decision.evidence, lastReceived: alert.lastReceived)
        if people != nil, let payload = try? alert.payload() {
            made.propertyKey = AlertMatchKeys.propertyKey(payload: payload)
            made.incidentIdentifier = payload["incident_identifier"]?.stringValue
        }
        return made
    }

    /// The latest last-received time an alert can have and still be stale now, when the sweep may read
    /// only those: not for `--all` or a report of kept alerts, nor under `stale_after: auto` (whose
    /// value comes from the definitions, or is "stale now"). Observed silence (heartbeats) never
    /// exceeds the time since the last event, so the shortest finite `stale_after` is a safe bound.
    func candidateCutoff() -> Int64? {
        if options.all || options.reportKept || options.policy.usesAuto { return nil }
        // Every rule is `never`: nothing can be stale.
        guard let shortest = options.policy.shortestFiniteStaleAfter?.wholeSeconds else { return .min }
        let (cutoff, overflow) = options.now.subtractingReportingOverflow(shortest)
        guard shortest > 0, !overflow else { return nil }
        return cutoff
    }
}
