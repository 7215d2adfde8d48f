public import Ledger
import Postgres

extension PostgresLedger {
    /// Claims the oldest pending rows no other forwarder holds, on the ledger's outbox connection: a
    /// connection of the forwarder's own, so the claim's transaction stays open while it delivers
    /// without holding up the relay's records. A claim still open on it is released first.
    public func claimOutbox(limit: Int) throws -> any OutboxClaim {
        _ = try writable()
        if let previous = outboxClaim, previous.isOpen { _ = try? previous.release() }
        let connection: PostgresConnection
        var reused = false
        if let existing = outboxConnection, existing.isHealthy {
            connection = existing
            reused = true
        } else {
            outboxConnection = nil
            connection = try Self.connect(connectionString, location: location)
            _ = try guarded {
                try connection.execute(
                    "SET idle_in_transaction_session_timeout = '\(PostgresOutboxClaim.idleLimit)s'")
            }
            outboxConnection = connection
        }
        let claim: PostgresOutboxClaim
        do {
            claim = try PostgresOutboxClaim(connection: connection, limit: limit, location: location)
        } catch let error as LedgerError where error.isUnreachable && reused {
            // A connection left from before a database restart: try once on a new one before calling
            // the database unreachable.
            outboxConnection = nil
            return try claimOutbox(limit: limit)
        }
        outboxClaim = claim
        return claim
    }
}
