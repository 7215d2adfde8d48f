/// A metric's name, such as `logzio_resolver_resolved_total`: every one logzio-resolver exposes is a
/// static member here, and no other is made.
public struct MetricName: Sendable, Hashable, Comparable, CustomStringConvertible {
    /// The name as Prometheus shows it.
    public let rawValue: String

    private init(_ rawValue: String) {
        self.rawValue = rawValue
    }

    /// A name read back from where it was stored (the ledger's counters), whatever it is.
    public init(stored rawValue: String) {
        self.rawValue = rawValue
    }

    public var description: String { rawValue }

    public static func < (lhs: MetricName, rhs: MetricName) -> Bool { lhs.rawValue < rhs.rawValue }
}

extension MetricName {
    /// `ok`s BigPanda accepted, by app key and rule (bumped by the ledger).
    public static let resolved = MetricName("logzio_resolver_resolved_total")
    /// `ok`s not delivered, by app key and rule (bumped by the ledger).
    public static let failed = MetricName("logzio_resolver_failed_total")
    /// Non-ok events within 1 h after one of our `ok`s was accepted, by rule (bumped by the ledger).
    public static let refired = MetricName("logzio_resolver_refired_after_resolve_total")
    /// Sweeps held by a safety limit.
    public static let heldRuns = MetricName("logzio_resolver_held_runs_total")
    /// When the last sweep finished (wall clock).
    public static let lastRun = MetricName("logzio_resolver_last_run_timestamp_seconds")
    /// When the last sending sweep that exited 0 finished.
    public static let lastSuccess = MetricName("logzio_resolver_last_success_timestamp_seconds")
    /// How long the last sweep took.
    public static let runDuration = MetricName("logzio_resolver_run_duration_seconds")
    /// The stale alerts the last sweep found.
    public static let stale = MetricName("logzio_resolver_stale_alerts")
    /// Active alerts in reconcile's scope at the last search.
    public static let bigPandaActive = MetricName("logzio_resolver_bigpanda_active_alerts")
    /// Alerts active in BigPanda the ledger did not track, at the last search.
    public static let untracked = MetricName("logzio_resolver_untracked_alerts")
    /// Drift found by reconcile.
    public static let drift = MetricName("logzio_resolver_drift_total")
    /// Runs that could not fetch the Logz.io alert definitions `stale_after: auto` needed.
    public static let definitionFetchFailures = MetricName("logzio_resolver_definition_fetch_failures_total")
    /// Stale alerts kept because of a hold a person set in BigPanda, by hold (`reason`).
    public static let keptByPeople = MetricName("logzio_resolver_kept_by_people_total")
    /// Comments on closed incidents that BigPanda did not take.
    public static let commentFailures = MetricName("logzio_resolver_comment_failures_total")
    /// Searches of Logz.io's trigger log that failed after their retries.
    public static let evidenceFailures = MetricName("logzio_resolver_evidence_failures_total")
    /// Alerts a trigger logged after their last event kept open (sending sweeps).
    public static let evidenceKept = MetricName("logzio_resolver_evidence_kept_total")
    /// Definitions the last sweep's trigger-log search did not verify.
    public static let evidenceUnverified = MetricName("logzio_resolver_evidence_unverified_definitions")
    /// Alerts open in the ledger.
    public static let openAlerts = MetricName("logzio_resolver_open_alerts")
    /// Seconds since the oldest open alert was last notified.
    public static let oldestOpenAlertAge = MetricName("logzio_resolver_oldest_open_alert_age_seconds")
    /// The relay's requests to `POST /data/v2/alerts`, by HTTP status.
    public static let relayRequests = MetricName("logzio_resolver_relay_requests_total")
    /// Alerts the relay recorded.
    public static let relayAccepted = MetricName("logzio_resolver_relay_accepted_alerts_total")
    /// Alerts the relay forwarded to BigPanda.
    public static let relayForwarded = MetricName("logzio_resolver_relay_forwarded_alerts_total")
    /// Forwards BigPanda refused permanently.
    public static let relayRejectedForwards = MetricName("logzio_resolver_relay_rejected_forwards_total")
    /// Forwards waiting in the relay's outbox.
    public static let relayOutboxDepth = MetricName("logzio_resolver_relay_outbox_depth")
    /// Forwards in the relay's outbox that BigPanda refused permanently.
    public static let relayOutboxRejected = MetricName("logzio_resolver_relay_outbox_rejected")
}
