public import Ledger
public import Staleness

/// Reads the relay's heartbeats, when the ledger has any.
public enum FeedReader {
    /// The feed's observed liveness, or nil for a ledger without heartbeats (the plain rule).
    public static func liveness(_ ledger: any Heartbeats) throws(OperationError) -> FeedLiveness? {
        do {
            let runs = try ledger.heartbeatRuns()
            return runs.isEmpty ? nil : FeedLiveness(runs: runs)
        } catch {
            throw .failed("\(error)")
        }
    }
}
