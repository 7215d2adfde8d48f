public import Ledger
public import Postgres
import ResolverMetrics

#if canImport(Glibc)
    import Glibc
#endif

/// The PostgreSQL ledger: one database shared by any number of hosts, migrated on a writing open.
public final class PostgresLedger: LedgerRole {
    public let location: String
    /// The connection string, for the sweep claim's own connection.
    let connectionString: PostgresConnectionString
    /// The open connection.
    let connection: PostgresConnection
    private let readOnly: Bool
    /// The forwarder's own connection, for outbox claims; opened by the first claim.
    var outboxConnection: PostgresConnection?
    /// The last outbox claim, released before the next one is taken.
    var outboxClaim: PostgresOutboxClaim?
    /// How many events and alerts a bulk record holds before writing; tests make them small.
    var recordBatchLimits = PostgresRecordBatch.Limits()

    /// The advisory lock key of the migrations (transaction-scoped).
    static let migrationLockKey: Int64 = 0x6C72_6D69_6772
    /// The advisory lock key of the sweep claim (session-scoped).
    static let sweepLockKey: Int64 = 0x6C72_7377_6565

    /// Opens the ledger in the database `connectionString` names; for reading, an empty ledger when the
    /// database has no schema yet (nothing is created).
    public static func open(_ connectionString: PostgresConnectionString, readOnly: Bool = false) throws
        -> any LedgerBackend
    {
        let ledger = try PostgresLedger(connectionString, readOnly: readOnly, allowEmpty: true)
        if readOnly, try !ledger.hasSchema() { return EmptyLedger(location: ledger.location) }
        return ledger
    }

    /// Opens the ledger, migrating it unless `readOnly`; read only, the schema must be there.
    public convenience init(_ connectionString: PostgresConnectionString, readOnly: Bool = false) throws {
        try self.init(connectionString, readOnly: readOnly, allowEmpty: false)
    }

    private init(_ connectionString: PostgresConnectionString, readOnly: Bool, allowEmpty: Bool) throws {
        location = connectionString.target
        self.connectionString = connectionString
        self.readOnly = readOnly
        connection = try Self.connect(connectionString, location: location)
        try guarded {
            if readOnly {
                try connection.execute("SET default_transaction_read_only = on")
                if allowEmpty, try !hasSchema() { return }
                try checkMigrated()
            } else {
                try migrate()
            }
        }
    }

    /// Connects, naming the target and keeping whether it was unreachable in the error.
    static func connect(_ connectionString: PostgresConnectionString, location: String) throws -> PostgresConnection {
        do {
            return try PostgresConnection(connectionString)
        } catch {
            throw ledgerError(error, location: location)
        }
    }

    /// A libpq failure as a ledger error naming host, port and database.
    static func ledgerError(_ error: PostgresError, location: String) -> LedgerError {
        let what =
            error.isUnreachable
            ? "cannot reach the ledger's database: " : error.isConfiguration ? "the ledger's database refused: " : ""
        return LedgerError(
            location: location, message: what + error.message, isUnreachable: error.isUnreachable,
            isConfiguration: error.isConfiguration)
    }

    /// Runs `body`, turning libpq failures into ledger errors.
    func guarded<T>(_ body: () throws -> T) throws -> T {
        do {
            return try body()
        } catch let error as PostgresError {
            throw Self.ledgerError(error, location: location)
        }
    }

    /// Runs `body` in a transaction on a writable connection, turning libpq failures into ledger errors.
    @discardableResult
    func writing<T>(_ body: (PostgresConnection) throws -> T) throws -> T {
        let connection = try writable()
        return try guarded { try connection.transaction { try body(connection) } }
    }

    /// The connection, for a write; throws when the ledger was opened read only.
    func writable() throws -> PostgresConnection {
        guard !readOnly else {
            throw LedgerError(location: location, message: "the ledger was opened read only")
        }
        return connection
    }

    private func hasSchema() throws -> Bool {
        try guarded { try !connection.query("SELECT to_regclass('schema_migrations')").isNull(0, 0) }
    }

    private func appliedMigrations() throws -> Set<String> {
        guard try hasSchema() else { return [] }
        let result = try connection.query("SELECT name FROM schema_migrations")
        return Set((0..<result.count).map { result.text($0, 0) })
    }

    private func migrate() throws {
        // The usual case, an up-to-date ledger, takes no lock and writes nothing.
        if Set(PostgresMigrations.all.map(\.name)).isSubset(of: try appliedMigrations()) { return }
        try connection.transaction {
            // Two hosts starting at once: the second waits here, then finds the work done.
            try connection.query("SELECT pg_advisory_xact_lock($1)", [.integer(Self.migrationLockKey)])
            try connection.execute(
                "CREATE TABLE IF NOT EXISTS schema_migrations (name TEXT PRIMARY KEY, applied_at BIGINT NOT NULL)")
            let applied = try appliedMigrations()
            for migration in PostgresMigrations.all where !applied.contains(migration.name) {
                try connection.execute(migration.sql)
                try connection.query(
                    "INSERT INTO schema_migrations (name, applied_at) VALUES ($1, $2)",
                    [.text(migration.name), .integer(Int64(time(nil)))])
            }
        }
    }

    private func checkMigrated() throws {
        try SchemaCheck.requireCurrent(
            applied: try appliedMigrations(), known: Set(PostgresMigrations.all.map(\.name)), location: location)
    }

    /// Adds to a counter inside the caller's transaction; shared by recording (refires), sweep outcomes
    /// and the counters role.
    func addMetric(_ name: MetricName, labels: MetricLabels, value: Double, in connection: PostgresConnection) throws {
        try connection.query(Self.addMetricSQL, [.text(name.rawValue), .text(labels.text), .real(value)])
    }

    /// Adds `$3` to the counter `$1` with labels `$2`, creating it at that value.
    static let addMetricSQL = """
        INSERT INTO metrics (name, labels, value) VALUES ($1, $2, $3)
        ON CONFLICT (name, labels) DO UPDATE SET value = metrics.value + excluded.value
        """
}
