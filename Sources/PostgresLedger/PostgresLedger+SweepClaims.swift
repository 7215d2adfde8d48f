public import Ledger

extension PostgresLedger: SweepClaims {
    public func claimSweep() throws -> (any SweepClaim)? {
        _ = try writable()
        return try PostgresSweepClaim(connectionString, location: location)
    }
}
