/// The counters the ledger bumps itself, in the same transaction as what they count; the
/// `Metrics` module names every other metric and refers to these.
public enum LedgerMetricName {
    /// `ok`s BigPanda accepted, by app key and rule.
    public static let resolved = "logzio_resolver_resolved_total"
    /// `ok`s not delivered, by app key and rule.
    public static let failed = "logzio_resolver_failed_total"
    /// Non-ok events within 1 h after one of our `ok`s was accepted, by rule.
    public static let refired = "logzio_resolver_refired_after_resolve_total"
}
