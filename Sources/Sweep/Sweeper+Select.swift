import Alerts
import Ledger
import Logging
import Staleness

extension Sweeper {
    /// The select stage: every open alert in scope, each kept (with why) or a candidate for an `ok`.
    func select() throws -> (SweepReport, [Candidate]) {
        var report = SweepReport()
        var candidates: [Candidate] = []
        let evaluator = AlertEvaluator(policy: options.policy, feed: feed, auto: auto)
        let forwarding = try ledger.alertsWithPendingForward()
        try ledger.forEachAlert(AlertFilter(states: [.open], appKey: options.appKey)) { alert in
            report.open += 1
            if forwarding.contains(alert.id) {
                report.actions.append(
                    SweepAction(
                        identity: alert.display, appKey: alert.appKey, action: .kept, rule: "-",
                        reason: "its last event is still waiting in the relay's outbox to be forwarded"))
                return
            }
            let decision: StalenessDecision
            switch evaluator.evaluate(alert, now: options.now) {
            case .decided(let decided):
                decision = decided
            case .unreadable(let reason):
                report.actions.append(
                    SweepAction(identity: alert.display, appKey: alert.appKey, action: .kept, rule: "-", reason: reason)
                )
                return
            }
            if options.all {
                let silence = DurationText.format(max(0, options.now - alert.lastReceived))
                candidates.append(
                    Candidate(
                        alertID: alert.id, eventID: alert.currentEventID, appKey: alert.appKey, identity: alert.display,
                        rule: decision.rule, reason: "closed by sweep --all (last notification \(silence) ago)",
                        adopted: alert.adopted, bigPandaAlertID: alert.bigPandaAlertID))
            } else if decision.isStale {
                candidates.append(
                    Candidate(
                        alertID: alert.id, eventID: alert.currentEventID, appKey: alert.appKey, identity: alert.display,
                        rule: decision.rule, reason: decision.reason, adopted: alert.adopted,
                        bigPandaAlertID: alert.bigPandaAlertID))
            } else {
                report.actions.append(
                    SweepAction(
                        identity: alert.display, appKey: alert.appKey, action: .kept, rule: decision.rule,
                        reason: decision.reason))
            }
        }
        return (report, candidates)
    }
}
