public import BigPanda
public import Staleness

/// What one sweep did, as `sweep --json` prints it.
public struct SweepReport: Sendable {
    /// The open alerts in scope when the run started.
    public var open = 0
    /// The stale ones among them.
    public var stale = 0
    /// Confirmed by a 2xx in this run (0 in a dry run).
    public var resolved = 0
    /// Not delivered this run.
    public var failed = 0
    /// Stale but not sent because of a safety limit.
    public var held = 0
    /// One entry per open alert in scope.
    public var actions: [SweepAction] = []
    /// Why the run held, when it did.
    public var holdReason: String?
    /// One line per distinct delivery failure, for stderr.
    public var errors: [String] = []
    /// Open alerts a trigger logged after their last event kept open, that silence alone would have closed.
    public var keptByTrigger = 0
    /// Stale alerts kept because of what a person set in BigPanda, by hold (each alert once).
    public var keptByPeople: [IncidentHold: Int] = [:]
    /// Comments that BigPanda did not take.
    public var commentFailures = 0
    /// Comments posted.
    public var comments = 0
    /// Whether the Incidents API could not be read while alerts under `keep_when` rules were to close:
    /// they were kept, and the run fails (exit 1).
    public var incidentsUnread = false

    /// Creates an empty report.
    public init() {}
}

/// What a sweep did with one alert.
public struct SweepAction: Sendable, Equatable {
    /// The kinds of action.
    public enum Kind: String, Sendable {
        case resolved
        case wouldResolve = "would_resolve"
        case kept
        case held
        case failed
        case rejected
    }

    /// The alert's identity without the app key, e.g. `host=web-1 check=CPU`.
    public var identity: String
    /// The app key.
    public var appKey: String
    /// What was done.
    public var action: Kind
    /// The rule that applied (`default` when none matched); nil when the alert was kept before any rule
    /// was read: its last event still waits to be forwarded, or its payload cannot be read.
    public var rule: String?
    /// Why, in words.
    public var reason: String
    /// The HTTP status of the last attempt, if one was sent.
    public var httpStatus: Int?
    /// Requests made for it this run.
    public var attempts: Int
    /// The ledger's id of the alert, for verification after the run.
    public var alertID: Int64?
    /// What Logz.io's trigger log said of the alert's definition: the state, and its latest logged trigger.
    public var evidence: Evidence = .none
    /// The hold a person set in BigPanda that kept the alert open this run; nil otherwise.
    public var heldBy: IncidentHold?
    /// BigPanda's id of the alert, when the sweep knows it.
    public var bigPandaAlertID: String?

    /// Creates an action.
    public init(
        identity: String, appKey: String, action: Kind, rule: String?, reason: String, httpStatus: Int? = nil,
        attempts: Int = 0
    ) {
        self.identity = identity
        self.appKey = appKey
        self.action = action
        self.rule = rule
        self.reason = reason
        self.httpStatus = httpStatus
        self.attempts = attempts
    }
}
