public import Ledger
import ResolverMetrics

#if canImport(Glibc)
    import Glibc
#endif

/// The SQLite ledger: one file in WAL mode, created 0600, migrated on open; or, for tests, a shared
/// in-memory database.
public final class SQLiteLedger: LedgerRole {
    public let location: String
    /// The open database.
    let database: SQLiteDatabase
    private let readOnly: Bool
    /// Whether the ledger is a shared in-memory database rather than a file.
    let isInMemory: Bool
    /// Checkpoints the WAL from a second connection while a sweep writes; nil otherwise.
    private(set) var checkpointer: SQLiteCheckpointer?
    /// Whether this read-only open found no `-wal` file, so that any it leaves behind is its own.
    private let tidiesWAL: Bool
    /// How commits reach the disk; the outbox relaxes it for one commit and restores it.
    let durability: Durability

    /// How to open a ledger.
    public enum Mode: Sendable {
        /// Create and migrate as needed; for commands that write.
        case readWrite
        /// Never write or create. `open` reads a missing file as an empty ledger; `init` throws.
        case readOnly
        /// As `readOnly`, but read as a file nothing changes: no lock, no `-wal` or `-shm` file. Only for
        /// a ledger no process has open in WAL mode (it has no `-wal`), and the caller must check that the
        /// file did not change while it read.
        case readOnlyImmutable
    }

    /// How commits reach the disk.
    public enum Durability: Sendable {
        /// Every commit is synced before it returns (`synchronous = FULL`): what the relay and the
        /// recorders need, since a 202 or exit 0 promises the alert is stored.
        case full
        /// Commits are synced at WAL checkpoints (`synchronous = NORMAL`): a power loss may roll back
        /// the last commits, never corrupt. The sweep uses it: a lost "resolved" mark only means the
        /// `ok` is sent again (delivery is at least once).
        case normal
    }

    /// Opens the ledger at `path`, or for reading, an empty ledger when no file is there (nothing is
    /// created).
    public static func open(path: String, mode: Mode = .readWrite, durability: Durability = .full) throws
        -> any LedgerBackend
    {
        if mode != .readWrite, access(path, F_OK) != 0 { return EmptyLedger(location: path) }
        return try SQLiteLedger(path: path, mode: mode, durability: durability)
    }

    /// Opens the ledger at `path`; read only, the file must exist.
    public convenience init(path: String, mode: Mode = .readWrite, durability: Durability = .full) throws {
        let readOnly = mode != .readWrite
        let tidiesWAL = mode == .readOnly && access(path + "-wal", F_OK) != 0
        let database = try SQLiteDatabase(
            path: path, readOnly: readOnly, create: !readOnly, immutable: mode == .readOnlyImmutable)
        try self.init(
            database: database, readOnly: readOnly, isInMemory: false, tidiesWAL: tidiesWAL, durability: durability)
    }

    /// Opens the in-memory ledger `name`, created and migrated when no handle in this process has it
    /// open. Every handle opened with the same name shares it (a write on one is seen by the others),
    /// its sweep claim is held in this process, and it is gone when its last handle closes. Nothing
    /// is written to disk; for tests, and read only, another handle must hold it open.
    public convenience init(memoryNamed name: String, readOnly: Bool = false) throws {
        let database = try SQLiteDatabase(memoryNamed: name, readOnly: readOnly)
        try self.init(database: database, readOnly: readOnly, isInMemory: true, tidiesWAL: false, durability: .full)
    }

    private init(
        database: SQLiteDatabase, readOnly: Bool, isInMemory: Bool, tidiesWAL: Bool, durability: Durability
    ) throws {
        location = database.path
        self.readOnly = readOnly
        self.isInMemory = isInMemory
        self.tidiesWAL = tidiesWAL
        self.durability = durability
        self.database = database
        try database.execute("PRAGMA busy_timeout = 10000")
        // A modest page cache. No mmap: mapped pages count towards the process's RSS, and a sweep
        // over a large ledger must stay small.
        try database.execute("PRAGMA cache_size = -8192")
        if readOnly {
            try checkMigrated(database)
            return
        }
        // Only takes effect on a new, empty file: lets sweeps that apply `retention` shrink it bit by bit.
        if try database.isEmpty() { try database.execute("PRAGMA auto_vacuum = INCREMENTAL") }
        // In memory there is no disk to sync, and `memdb` keeps its journal in memory (it has no WAL).
        if !isInMemory {
            try database.execute("PRAGMA journal_mode = WAL")
            try database.execute(durability == .full ? "PRAGMA synchronous = FULL" : "PRAGMA synchronous = NORMAL")
        }
        try database.execute("PRAGMA foreign_keys = ON")
        try migrate(database)
    }

    /// Before a sweep's first write, once: its many small commits are checkpointed on a thread of
    /// their own, off the ledger's task. Where that thread cannot start, SQLite's own checkpoints stay.
    func checkpointInBackground() {
        guard checkpointer == nil, durability == .normal, !isInMemory, !readOnly,
            let started = try? SQLiteCheckpointer(path: location)
        else { return }
        guard (try? database.execute("PRAGMA wal_autocheckpoint = 0")) != nil else {
            started.finish()
            return
        }
        checkpointer = started
    }

    deinit {
        // Before the connection closes, so that the last one to close checkpoints what is left.
        checkpointer?.finish()
        // SQLite makes an empty -wal and -shm when a read-only connection opens a WAL ledger that has
        // none; leave the directory as it was found.
        if tidiesWAL {
            database.closeConnection()
            SQLiteDatabase.removeEmptyWALFiles(path: location)
        }
    }

    private func migrate(_ database: SQLiteDatabase) throws {
        var applied = try appliedMigrations(database)
        // The usual case, an up-to-date ledger, reads and writes nothing more.
        if Set(SQLiteMigrations.all.map(\.name)).isSubset(of: applied) { return }
        try database.execute(
            "CREATE TABLE IF NOT EXISTS schema_migrations (name TEXT PRIMARY KEY, applied_at INTEGER NOT NULL)")
        applied = try appliedMigrations(database)
        for migration in SQLiteMigrations.all where !applied.contains(migration.name) {
            try database.transaction {
                // Another process may have applied it while we waited for the write lock.
                if try appliedMigrations(database).contains(migration.name) { return }
                try database.execute(migration.sql)
                try database.statement("INSERT INTO schema_migrations (name, applied_at) VALUES (?, ?)")
                    .run([.text(migration.name), .integer(Int64(time(nil)))])
            }
        }
    }

    private func checkMigrated(_ database: SQLiteDatabase) throws {
        try SchemaCheck.requireCurrent(
            applied: try appliedMigrations(database), known: Set(SQLiteMigrations.all.map(\.name)), location: location)
    }

    private func appliedMigrations(_ database: SQLiteDatabase) throws -> Set<String> {
        let exists = try database.statement(
            "SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name = 'schema_migrations'")
        // Every read statement is reset after use: a cached statement left mid-step keeps a read
        // snapshot open, and a later write on this connection then fails with SQLITE_BUSY at once.
        let found = try exists.step() && exists.int64(0) > 0
        exists.reset()
        guard found else { return [] }
        let statement = try database.statement("SELECT name FROM schema_migrations")
        defer { statement.reset() }
        var names: Set<String> = []
        while try statement.step() { names.insert(statement.text(0)) }
        return names
    }

    /// The database, for a write; throws when the ledger was opened read only.
    func writable() throws -> SQLiteDatabase {
        guard !readOnly else {
            throw LedgerError(location: location, message: "the ledger was opened read only")
        }
        return database
    }

    /// Adds to a counter on `database`, inside the caller's transaction if there is one; shared by
    /// recording (refires), sweep outcomes and the counters role.
    func addMetric(_ name: MetricName, labels: MetricLabels, value: Double, in database: SQLiteDatabase) throws {
        try database.statement(
            """
            INSERT INTO metrics (name, labels, value) VALUES (?1, ?2, ?3)
            ON CONFLICT (name, labels) DO UPDATE SET value = metrics.value + excluded.value
            """
        ).run([.text(name.rawValue), .text(labels.text), .real(value)])
    }
}
