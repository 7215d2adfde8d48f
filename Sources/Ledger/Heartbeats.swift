/// The relay's heartbeats: when the alert feed was observed alive.
public protocol Heartbeats: LedgerRole {
    /// Records a relay heartbeat: the run's first one creates it, later ones move its end.
    func heartbeat(runID: String, at: Int64) throws

    /// Each relay run's first and last heartbeat, in epoch seconds.
    func heartbeatRuns() throws -> [(first: Int64, last: Int64)]
}
