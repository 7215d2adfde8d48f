public import Ledger

extension SQLiteLedger: SweepClaims {
    public func claimSweep() throws -> (any SweepClaim)? {
        isInMemory ? InProcessClaim(name: location) : try FileLockClaim(path: location + ".lock")
    }
}
