extension SQLiteLedger: SweepClaims {
    public func claimSweep() throws -> (any SweepClaim)? {
        try FileLockClaim(path: location + ".lock")
    }
}
