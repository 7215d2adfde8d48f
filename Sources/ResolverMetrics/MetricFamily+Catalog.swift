extension MetricFamily {
    /// The families every exposition carries, in order.
    public static let standard: [MetricFamily] = [
        MetricFamily(
            name: MetricName.lastRun, kind: .gauge, help: "Wall-clock time the last sweep finished, in epoch seconds."),
        MetricFamily(
            name: MetricName.lastSuccess, kind: .gauge,
            help: "Wall-clock time the last sending sweep that exited 0 finished, in epoch seconds."),
        MetricFamily(name: MetricName.runDuration, kind: .gauge, help: "How long the last sweep took, in seconds."),
        MetricFamily(name: MetricName.openAlerts, kind: .gauge, help: "Alerts open in the ledger."),
        MetricFamily(name: MetricName.stale, kind: .gauge, help: "Stale alerts the last sweep found in its scope."),
        MetricFamily(
            name: MetricName.resolved, kind: .counter, help: "ok events BigPanda accepted, by app key and rule."),
        MetricFamily(
            name: MetricName.failed, kind: .counter,
            help: "ok events not delivered (failed or rejected), by app key and rule."),
        MetricFamily(
            name: MetricName.heldRuns, kind: .counter, help: "Sweeps held by a safety limit.", zeroWhenAbsent: true),
        MetricFamily(
            name: MetricName.bigPandaActive, kind: .gauge,
            help: "Active alerts in reconcile's scope at BigPanda's last search."),
        MetricFamily(
            name: MetricName.untracked, kind: .gauge,
            help: "Alerts active in BigPanda that the ledger did not track, at the last search."),
        MetricFamily(
            name: MetricName.drift, kind: .counter,
            help: "Alerts found still active in BigPanda after our close was accepted."),
        MetricFamily(
            name: MetricName.definitionFetchFailures, kind: .counter,
            help: "Runs that could not fetch the Logz.io alert definitions stale_after: auto needed."),
        MetricFamily(
            name: MetricName.keptByPeople, kind: .counter,
            help: "Stale alerts kept open because of what a person set in BigPanda, by hold."),
        MetricFamily(
            name: MetricName.commentFailures, kind: .counter,
            help: "Comments on closed incidents that BigPanda did not take (the closes stand)."),
        MetricFamily(
            name: MetricName.evidenceFailures, kind: .counter,
            help: "Searches of Logz.io's trigger log that failed after their retries (no evidence that run)."),
        MetricFamily(
            name: MetricName.evidenceKept, kind: .counter,
            help:
                "Alerts a trigger logged after their last notification kept open, that silence alone would have closed."
        ),
        MetricFamily(
            name: MetricName.evidenceUnverified, kind: .gauge,
            help:
                "Definitions whose triggers the last sweep's search did not verify: their silence counts as without evidence."
        ),
        MetricFamily(
            name: MetricName.oldestOpenAlertAge, kind: .gauge,
            help: "Seconds since the oldest open alert was last notified (0 when none is open)."),
        MetricFamily(
            name: MetricName.refired, kind: .counter,
            help:
                "Non-ok events received within 1 h after an ok of ours was accepted, by rule; a high rate means stale_after is too short."
        ),
    ]

    /// The relay's own families, rendered after the standard ones on its `GET /metrics`.
    public static let relay: [MetricFamily] = [
        MetricFamily(
            name: MetricName.relayRequests, kind: .counter,
            help: "Requests to POST /data/v2/alerts since the relay started, by HTTP status."),
        MetricFamily(
            name: MetricName.relayAccepted, kind: .counter, help: "Alerts recorded since the relay started."),
        MetricFamily(
            name: MetricName.relayForwarded, kind: .counter,
            help: "Alerts forwarded to BigPanda since the relay started."),
        MetricFamily(
            name: MetricName.relayRejectedForwards, kind: .counter,
            help: "Forwards BigPanda refused permanently since the relay started."),
        MetricFamily(name: MetricName.relayOutboxDepth, kind: .gauge, help: "Forwards waiting in the outbox."),
        MetricFamily(
            name: MetricName.relayOutboxRejected, kind: .gauge,
            help: "Forwards in the outbox that BigPanda refused permanently."),
    ]
}
