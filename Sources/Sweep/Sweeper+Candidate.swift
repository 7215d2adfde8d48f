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
    }

}
