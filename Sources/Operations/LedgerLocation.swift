public import Ledger
public import Postgres
import PostgresLedger
import SQLiteLedger

#if canImport(Glibc)
    import Glibc
#endif

/// Where a ledger lives, read once from its string (`ledger:`, `LOGZIO_RESOLVER_LEDGER`, `--ledger`,
/// `--from`, `--to`): the only code that tells a PostgreSQL connection string from a file path, and the
/// only code that opens either backend.
public enum LedgerLocation: Sendable, Equatable, CustomStringConvertible {
    /// An SQLite file.
    case file(path: String)
    /// A PostgreSQL database; the string holds no password (libpq reads it from its own sources).
    case postgres(PostgresConnectionString)
    /// A shared in-memory SQLite database, gone when the process ends: `:memory:` or `:memory:NAME`.
    case memory(name: String)

    /// Reads a ledger string. A PostgreSQL string with a password in it is refused, without repeating
    /// the password.
    public init(_ text: String) throws(PostgresConnectionString.Refused) {
        if PostgresConnectionString.isPostgres(text) {
            self = .postgres(try PostgresConnectionString(text))
        } else if text == ":memory:" || text.hasPrefix(":memory:") {
            let name = text.dropFirst(":memory:".count)
            self = .memory(name: name.isEmpty ? "ledger" : String(name))
        } else {
            self = .file(path: text)
        }
    }

    /// The ledger as messages may name it: a path, or the host, port and database.
    public var description: String {
        switch self {
        case .file(let path): path
        case .postgres(let string): string.target
        case .memory(let name): ":memory:\(name)"
        }
    }

    /// Whether the ledger is a PostgreSQL database.
    public var isPostgres: Bool {
        if case .postgres = self { true } else { false }
    }

    /// Whether anything is there yet: a file that exists, or any database (its schema is checked when it
    /// is opened).
    public var exists: Bool {
        switch self {
        case .file(let path): access(path, F_OK) == 0
        case .postgres, .memory: true
        }
    }
}

/// How a command uses the ledger it opens.
public enum LedgerAccess: Sendable, Equatable {
    /// Never write or create; a ledger that is not there reads as empty.
    case readOnly
    /// Create and migrate as needed. `durableCommits: false` syncs SQLite commits at checkpoints only,
    /// which the sweep may afford (a lost "resolved" mark only means an `ok` is sent again).
    case readWrite(durableCommits: Bool = true)
}

/// Why a ledger could not be opened, and whether trying again later may help.
public struct LedgerOpenError: Error, Sendable, CustomStringConvertible {
    /// The ledger is busy or its database cannot be reached: exit 1, so cron tries again.
    public var isTransient: Bool
    /// What went wrong, naming the ledger.
    public var message: String

    public var description: String { message }
}

extension LedgerLocation {
    /// Opens the ledger with every role, saying whether a failure may pass (see `open(_:checking:)` for a
    /// command's exit status).
    public func openBackend(_ access: LedgerAccess) throws(LedgerOpenError) -> any LedgerBackend {
        do {
            switch self {
            case .file(let path):
                switch access {
                case .readOnly: return try SQLiteLedger.open(path: path, mode: .readOnly)
                case .readWrite(let durable):
                    return try SQLiteLedger.open(path: path, mode: .readWrite, durability: durable ? .full : .normal)
                }
            case .postgres(let string):
                return try PostgresLedger.open(string, readOnly: access == .readOnly)
            case .memory(let name):
                return try SQLiteLedger(memoryNamed: name, readOnly: access == .readOnly)
            }
        } catch let error as LedgerError {
            throw LedgerOpenError(isTransient: error.isUnreachable || error.isBusy, message: "\(error)")
        } catch {
            throw LedgerOpenError(isTransient: false, message: "\(error)")
        }
    }

    /// Reads the ledger as it is at one moment, for a replay of its history (`backtest`).
    ///
    /// An SQLite file that no process has open (it has no `-wal` or `-shm` file) is read as an immutable
    /// file, so that reading creates neither; if a writer changed it meanwhile, it is read again the
    /// ordinary way. Other ledgers are read as `readOnly` reads them.
    public func withSnapshot<T>(_ body: (any LedgerBackend) throws -> T) throws -> T {
        guard case .file(let path) = self, let before = FileStamp(path) else {
            return try body(try openBackend(.readOnly))
        }
        // An empty file is no ledger yet: nothing to replay.
        if before.size == 0 { return try body(EmptyLedger(location: path)) }
        if FileStamp(path + "-wal") != nil || FileStamp(path + "-shm") != nil {
            return try body(try openBackend(.readOnly))
        }
        let immutable: any LedgerBackend
        do {
            immutable = try SQLiteLedger.open(path: path, mode: .readOnlyImmutable)
        } catch let error as LedgerError {
            throw LedgerOpenError(isTransient: error.isBusy, message: "\(error)")
        }
        let result = try body(immutable)
        if FileStamp(path) == before { return result }
        return try body(try openBackend(.readOnly))
    }

    /// Opens the relay's ledger. A PostgreSQL database that cannot be reached does not stop the relay: it
    /// gets the failure and a way to connect again, and starts. A refused login or a missing database is
    /// still an error, and SQLite opens as every command opens it.
    public func openForRelay() throws(LedgerOpenError) -> (
        initial: Result<any LedgerStore, LedgerError>, reopen: @Sendable () throws -> any LedgerStore
    ) {
        guard case .postgres(let string) = self else {
            let ledger = try openBackend(.readWrite())
            let location = self
            return (.success(ledger), { try location.openBackend(.readWrite()) })
        }
        let reopen: @Sendable () throws -> any LedgerStore = { try PostgresLedger(string) }
        do {
            return (.success(try PostgresLedger(string)), reopen)
        } catch let error as LedgerError where error.isUnreachable {
            return (.failure(error), reopen)
        } catch {
            throw LedgerOpenError(isTransient: false, message: "\(error)")
        }
    }
}

/// What `stat` says of a file, to notice that it changed.
private struct FileStamp: Equatable {
    var device: UInt64
    var inode: UInt64
    var size: Int64
    var modified: timespec
    var changed: timespec

    /// The file's stamp, or nil when it does not exist.
    init?(_ path: String) {
        var status = stat()
        guard stat(path, &status) == 0 else { return nil }
        device = UInt64(status.st_dev)
        inode = UInt64(status.st_ino)
        size = Int64(status.st_size)
        modified = status.st_mtim
        changed = status.st_ctim
    }

    static func == (lhs: FileStamp, rhs: FileStamp) -> Bool {
        lhs.device == rhs.device && lhs.inode == rhs.inode && lhs.size == rhs.size
            && lhs.modified.tv_sec == rhs.modified.tv_sec && lhs.modified.tv_nsec == rhs.modified.tv_nsec
            && lhs.changed.tv_sec == rhs.changed.tv_sec && lhs.changed.tv_nsec == rhs.changed.tv_nsec
    }
}
