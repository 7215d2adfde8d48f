/// How one alert stands between the ledger and BigPanda (SPEC.md, "Reconcile with BigPanda").
public enum ReconcileClass: String, Sendable, CaseIterable {
    /// Open in the ledger and active in BigPanda: the sweep's rules decide.
    case tracked
    /// Resolved by our `ok` or closed by id, but still active after `close_grace`: closed by id again.
    case drift
    /// Open in the ledger, but BigPanda shows it inactive (or absent after a complete search).
    case resolvedElsewhere = "resolved_elsewhere"
    /// Active in BigPanda and unknown to the ledger, or resolved there other than by us.
    case untracked
    /// Closed by us within `close_grace` and still active: BigPanda applies closes asynchronously.
    case pending
}

/// What reconcile did (or would do) with one alert.
public enum ReconcileAction: String, Sendable {
    case none
    case adopted
    case wouldAdopt = "would_adopt"
    case closedByID = "closed_by_id"
    case wouldCloseByID = "would_close_by_id"
    case held
    case markedResolved = "marked_resolved"
    case wouldMarkResolved = "would_mark_resolved"
    /// The close by id was attempted and failed (the run exits 1).
    case failed
}

/// One line of reconcile's report.
public struct ReconcileEntry: Sendable, Equatable {
    /// The class.
    public var reconcileClass: ReconcileClass
    /// The identity without an app key, e.g. `host=web-1 check=CPU`.
    public var identity: String
    /// BigPanda's alert id, when known.
    public var bigPandaAlertID: String?
    /// BigPanda's incident id, when the alert was in the search.
    public var incidentID: String?
    /// What was done.
    public var action: ReconcileAction
    /// The ledger's id of the alert, when it has one.
    public var ledgerID: Int64?

    /// Creates an entry.
    public init(
        reconcileClass: ReconcileClass, identity: String, bigPandaAlertID: String?, incidentID: String?,
        action: ReconcileAction, ledgerID: Int64? = nil
    ) {
        self.reconcileClass = reconcileClass
        self.identity = identity
        self.bigPandaAlertID = bigPandaAlertID
        self.incidentID = incidentID
        self.action = action
        self.ledgerID = ledgerID
    }
}

/// What one reconcile run found and did, as `reconcile --json` prints it.
public struct ReconcileReport: Sendable {
    /// Active alerts in scope in BigPanda.
    public var bigPandaActive = 0
    /// One entry per alert in a class.
    public var entries: [ReconcileEntry] = []
    /// Alerts adopted into the ledger this run.
    public var adopted = 0
    /// Alerts closed by id this run.
    public var closed = 0
    /// Whether BigPanda's search was truncated (it returns at most 10,000 incidents).
    public var truncated = false
    /// Why the run held, when it did.
    public var holdReason: String?
    /// One line per failure, for stderr.
    public var errors: [String] = []

    /// Creates an empty report.
    public init() {}

    /// How many entries are in `reconcileClass`.
    public func count(_ reconcileClass: ReconcileClass) -> Int {
        entries.count { $0.reconcileClass == reconcileClass }
    }
}
