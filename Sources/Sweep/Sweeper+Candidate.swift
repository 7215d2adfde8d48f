import BigPanda
import Staleness

extension Sweeper {
    /// A stale alert chosen for an `ok`.
    struct Candidate: Sendable {
        var alertID: Int64
        var eventID: Int64
        var appKey: String
        var identity: String
        var rule: String
        var reason: String
        var adopted = false
        var bigPandaAlertID: String?
        var evidence: Evidence = .none
        /// When its last event arrived (a person's comment holds only when newer).
        var lastReceived: Int64 = 0
        /// Its keys against BigPanda's alerts: the property key, and the incident identifier.
        var propertyKey: String?
        var incidentIdentifier: String?
        /// Its BigPanda alert, when the sweep searched the Incidents API and found it.
        var remote: IncidentAlert?
    }

}
