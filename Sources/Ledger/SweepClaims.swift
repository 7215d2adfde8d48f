/// The sweep claim: at most one sending sweep runs on a ledger at a time.
public protocol SweepClaims: LedgerRole {
    /// Takes the sweep claim without waiting, or returns nil when another sweep holds it.
    func claimSweep() throws -> (any SweepClaim)?
}
