import Ledger
import Postgres

/// The sweep claim for a PostgreSQL ledger: a session advisory lock on a connection of its own.
///
/// The server drops the lock when the session ends, however it ends, so a crashed or killed sweep
/// never delays the next one.
final class PostgresSweepClaim: SweepClaim {
    private var connection: PostgresConnection?

    /// Takes the lock without waiting; nil when another session holds it.
    init?(_ connectionString: PostgresConnectionString, location: String) throws {
        let connection = try PostgresLedger.connect(connectionString, location: location)
        do {
            let taken = try connection.query(
                "SELECT pg_try_advisory_lock($1)", [.integer(PostgresLedger.sweepLockKey)])
            guard taken.bool(0, 0) else { return nil }
        } catch {
            throw PostgresLedger.ledgerError(error, location: location)
        }
        self.connection = connection
    }

    func release() {
        guard let connection else { return }
        _ = try? connection.query("SELECT pg_advisory_unlock($1)", [.integer(PostgresLedger.sweepLockKey)])
        self.connection = nil
    }

    deinit {
        release()
    }
}
