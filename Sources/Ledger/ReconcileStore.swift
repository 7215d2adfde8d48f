public import Alerts

/// The ledger's part in reconciling with BigPanda: remembering BigPanda's alert ids, adopting alerts
/// the ledger never saw, and marking alerts BigPanda resolved.
public protocol ReconcileStore: LedgerRole {
    /// Stores BigPanda's alert id on ledger alerts matched to it.
    func rememberBigPandaIDs(_ pairs: [(alertID: Int64, bigPandaAlertID: String)]) throws

    /// Records alerts seen active in BigPanda, in one transaction. Returns the ledger ids, in order.
    func adopt(_ adoptions: [Adoption], recordedAt: Int64) throws -> [Int64]

    /// Marks open alerts resolved because BigPanda no longer shows them active, fenced on the event
    /// each decision was based on. Returns how many were marked.
    func markResolvedInBigPanda(_ alerts: [(alertID: Int64, eventID: Int64)], at: Int64) throws -> Int
}

/// An alert to adopt from BigPanda, or to reopen when the ledger knows it but not as open.
public struct Adoption: Sendable {
    /// The identity without an app key: BigPanda's objects carry none.
    public var parts: [AlertIdentity.IdentityPart]
    /// The payload: its tags, `status`, `primary_property`, `secondary_property`, `bigpanda_alert_id`
    /// and `bigpanda_source_system`.
    public var payload: JSONObject
    /// Its BigPanda status, as the ledger stores it.
    public var status: AlertStatus
    /// BigPanda's `last_event_at` (else `changed_at`, else `start`).
    public var receivedAt: Int64
    /// BigPanda's alert id.
    public var bigPandaAlertID: String
    /// The ledger alert to reopen instead, when it was resolved other than by us.
    public var existingAlertID: Int64?

    /// Creates an adoption.
    public init(
        parts: [AlertIdentity.IdentityPart], payload: JSONObject, status: AlertStatus, receivedAt: Int64,
        bigPandaAlertID: String, existingAlertID: Int64? = nil
    ) {
        self.parts = parts
        self.payload = payload
        self.status = status
        self.receivedAt = receivedAt
        self.bigPandaAlertID = bigPandaAlertID
        self.existingAlertID = existingAlertID
    }

    /// The app key adopted alerts show: theirs is unknown.
    public static let unknownAppKey = "(adopted)"

    /// The storage key of an adopted identity: the parts under an empty app key, which no real
    /// integration has, so a later event from the relay with the same parts can find it.
    public static func identityKey(_ parts: [AlertIdentity.IdentityPart]) -> String {
        AlertIdentity(appKey: "", parts: parts).key
    }
}
