public import Alerts

/// An alert's lifecycle state in the ledger.
public enum AlertState: String, Sendable, CaseIterable {
    /// Its last event is not `ok`, and no `ok` of ours was accepted since.
    case open
    /// An `ok` was recorded for it, or BigPanda accepted ours.
    case resolved
    /// BigPanda permanently refused our `ok` in three runs; not retried until a new event.
    case rejected
}

/// How a resolved alert came to be resolved.
public enum ResolvedBy: String, Sendable, CaseIterable {
    /// An `ok` event was recorded for it.
    case event
    /// BigPanda accepted our `ok`.
    case ok
    /// BigPanda accepted our batch resolution by id.
    case id
    /// Reconcile found it no longer active in BigPanda.
    case bigpanda

    /// Whether we closed it ourselves (an `ok` or a close by id), so that BigPanda still showing it
    /// active is drift.
    public var isOurs: Bool { self == .ok || self == .id }
}

/// An event to record: a validated alert and the time it was received.
public struct IncomingEvent: Sendable {
    /// The validated alert.
    public var alert: Alert
    /// When it was received, in epoch seconds; staleness is measured from this.
    public var receivedAt: Int64
    /// The payload to forward to BigPanda, as JSON text; when set, an outbox row is written in the
    /// same transaction as the event.
    public var forward: String?

    /// Creates an event.
    public init(alert: Alert, receivedAt: Int64, forward: String? = nil) {
        self.alert = alert
        self.receivedAt = receivedAt
        self.forward = forward
    }
}

/// One alert as the ledger holds it, with its current (latest received) event.
public struct LedgerAlert: Sendable {
    /// The ledger's row id.
    public var id: Int64
    /// The identity's storage key.
    public var identityKey: String
    /// The identity without the app key, for people.
    public var display: String
    /// The app key.
    public var appKey: String
    /// The state.
    public var state: AlertState
    /// The current event's id; fencing compares it.
    public var currentEventID: Int64
    /// When the current event was received, in epoch seconds.
    public var lastReceived: Int64
    /// The greatest timestamp among the alert's events (receive time where none) and our `ok`s.
    public var maxTimestamp: Int64
    /// The current event's payload, as JSON text.
    public var payloadText: String
    /// BigPanda's alert id, once reconcile matched it (always set for adopted alerts).
    public var bigPandaAlertID: String? = nil
    /// Whether it was adopted from BigPanda: its app key is unknown, so it is closed by id.
    public var adopted = false
    /// How a resolved alert was resolved; nil while open.
    public var resolvedBy: ResolvedBy? = nil
    /// When it was resolved, in epoch seconds; nil while open.
    public var resolvedAt: Int64? = nil
    /// The hold a person set in BigPanda that kept it open at the last sweep (`snoozed`, `maintenance`,
    /// `assigned`, `commented`); nil otherwise.
    public var heldBy: String? = nil

    /// Creates an alert as a ledger backend read it.
    public init(
        id: Int64, identityKey: String, display: String, appKey: String, state: AlertState, currentEventID: Int64,
        lastReceived: Int64, maxTimestamp: Int64, payloadText: String, bigPandaAlertID: String? = nil,
        adopted: Bool = false, resolvedBy: ResolvedBy? = nil, resolvedAt: Int64? = nil, heldBy: String? = nil
    ) {
        self.id = id
        self.identityKey = identityKey
        self.display = display
        self.appKey = appKey
        self.state = state
        self.currentEventID = currentEventID
        self.lastReceived = lastReceived
        self.maxTimestamp = maxTimestamp
        self.payloadText = payloadText
        self.bigPandaAlertID = bigPandaAlertID
        self.heldBy = heldBy
        self.adopted = adopted
        self.resolvedBy = resolvedBy
        self.resolvedAt = resolvedAt
    }

    /// Parses the current payload.
    public func payload() throws -> JSONObject {
        guard let object = try JSONParser.parse(payloadText).objectValue else {
            throw JSONParseError(reason: "the stored payload is not an object", offset: 0)
        }
        return object
    }
}

/// Which alerts a query covers.
public struct AlertFilter: Sendable {
    /// The states to include; empty means all.
    public var states: Set<AlertState>
    /// Only this app key, when set.
    public var appKey: String?
    /// Only alerts last received at or before this time (epoch seconds), when set.
    public var lastReceivedAtMost: Int64?
    /// Whether to read each alert's current payload; without it `payloadText` is empty.
    public var payloads = true

    /// Creates a filter.
    public init(states: Set<AlertState>, appKey: String? = nil) {
        self.states = states
        self.appKey = appKey
    }
}

/// What happened to one `ok` this run, to be written to the audit trail.
public struct SendRecord: Sendable {
    /// How the send ended.
    public enum Kind: Sendable, Equatable {
        /// BigPanda answered 2xx.
        case delivered
        /// Not delivered this run (network error, 5xx, 429, 401/403, deadline).
        case failed
        /// A 4xx other than 401, 403, 408 and 429: counts toward `rejected`.
        case permanent
    }

    /// The alert.
    public var alertID: Int64
    /// The alert's app key, for the per-app-key counters.
    public var appKey: String
    /// The event the decision was based on (the fence).
    public var eventID: Int64
    /// When it was sent, in epoch seconds.
    public var sentAt: Int64
    /// The `ok` event's timestamp.
    public var timestamp: Int64
    /// The rule that decided.
    public var rule: String
    /// The reason given.
    public var reason: String
    /// The final HTTP status, if any answer came.
    public var httpStatus: Int?
    /// Requests made for it.
    public var attempts: Int
    /// How it ended.
    public var kind: Kind
    /// BigPanda's error text or the network error, when it failed.
    public var error: String?
    /// How it went: an `ok` event, or a batch resolution by BigPanda alert id.
    public var method: Method = .ok

    /// How a close is sent.
    public enum Method: String, Sendable, Equatable {
        /// An `ok` event to the Alerts API.
        case ok
        /// A batch resolution by BigPanda alert id (adopted alerts, drift).
        case id
    }

    /// Creates a record.
    public init(
        alertID: Int64, appKey: String, eventID: Int64, sentAt: Int64, timestamp: Int64, rule: String, reason: String,
        httpStatus: Int?, attempts: Int, kind: Kind, error: String?, method: Method = .ok
    ) {
        self.method = method
        self.alertID = alertID
        self.appKey = appKey
        self.eventID = eventID
        self.sentAt = sentAt
        self.timestamp = timestamp
        self.rule = rule
        self.reason = reason
        self.httpStatus = httpStatus
        self.attempts = attempts
        self.kind = kind
        self.error = error
    }
}

/// What the ledger made of a send record.
public enum AppliedOutcome: String, Sendable, Equatable {
    /// Marked resolved.
    case resolved
    /// Delivered, but a new event arrived since the decision, so the alert stays open.
    case fenced
    /// Left open for the next run.
    case failed
    /// Refused permanently in three runs: marked rejected.
    case rejected
}

/// A claim on the sweep work, held until released or until the process ends.
public protocol SweepClaim: AnyObject {
    /// Releases the claim.
    func release()
}

/// A forward waiting in the relay's outbox.
public struct OutboxRow: Sendable, Equatable {
    /// The row id; rows are delivered in id order.
    public var id: Int64
    /// The alert it belongs to.
    public var alertID: Int64
    /// The app key to send it under.
    public var appKey: String
    /// The wire payload, as JSON text.
    public var payload: String

    /// Creates a row.
    public init(id: Int64, alertID: Int64, appKey: String, payload: String) {
        self.id = id
        self.alertID = alertID
        self.appKey = appKey
        self.payload = payload
    }
}

/// The outbox's size, for `/healthz` and metrics.
public struct OutboxCounts: Sendable, Equatable {
    /// Rows waiting to be delivered.
    public var pending: Int
    /// Rows BigPanda refused permanently.
    public var rejected: Int

    /// Creates counts.
    public init(pending: Int, rejected: Int) {
        self.pending = pending
        self.rejected = rejected
    }
}

/// The open alerts at a glance, for metrics.
public struct OpenSummary: Sendable, Equatable {
    /// How many alerts are open.
    public var open: Int
    /// The oldest last-received time among them, if any.
    public var oldestLastReceived: Int64?

    /// Creates a summary.
    public init(open: Int, oldestLastReceived: Int64?) {
        self.open = open
        self.oldestLastReceived = oldestLastReceived
    }
}

/// What `prune` removed (or would remove).
public struct PruneResult: Sendable, Equatable {
    /// Events deleted.
    public var events: Int
    /// `ok` records deleted.
    public var resolutions: Int

    /// Creates a result.
    public init(events: Int, resolutions: Int) {
        self.events = events
        self.resolutions = resolutions
    }
}
