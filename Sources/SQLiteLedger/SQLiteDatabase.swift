import CSQLite
import Ledger

#if canImport(Glibc)
    import Glibc
#endif

/// One SQLite connection, owned by one thread at a time; it finalizes its statements and closes on deinit.
final class SQLiteDatabase {
    let path: String
    private(set) var handle: OpaquePointer?
    private var statements: [String: SQLiteStatement] = [:]
    private var hot: [SQLiteStatement?] = Array(repeating: nil, count: SQLiteHotStatement.allCases.count)

    /// Opens (and with `create`, creates with mode 0600) the database file. With `immutable`, it is
    /// opened read-only as a file nothing changes: no locks, and no `-wal` or `-shm` file is made.
    convenience init(path: String, readOnly: Bool, create: Bool, immutable: Bool = false) throws(LedgerError) {
        if create, !readOnly {
            // Create the file ourselves so it is 0600 from the first byte; SQLite gives the
            // -wal and -shm files the database file's mode.
            let fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0o600)
            guard fd >= 0 else {
                throw LedgerError(
                    location: path,
                    message:
                        "cannot create the ledger file: \(String(cString: strerror(errno))); check the directory exists and is writable"
                )
            }
            close(fd)
        }
        var flags = (readOnly || immutable ? SQLITE_OPEN_READONLY : SQLITE_OPEN_READWRITE) | SQLITE_OPEN_NOMUTEX
        if immutable { flags |= SQLITE_OPEN_URI }
        try self.init(location: path, filename: immutable ? Self.immutableURI(path) : path, flags: flags)
    }

    /// Opens the in-memory database `name` in SQLite's `memdb` VFS, creating it when no connection in
    /// this process has it open. Every connection to the same name shares one database, with the
    /// usual locks (a writer waits for `busy_timeout`), and SQLite frees it as the last one closes.
    /// No file is made: the journal lives in memory too.
    convenience init(memoryNamed name: String, readOnly: Bool) throws(LedgerError) {
        let flags =
            (readOnly ? SQLITE_OPEN_READONLY : SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE) | SQLITE_OPEN_URI
            | SQLITE_OPEN_NOMUTEX
        let uri = Self.memoryURI(name)
        try self.init(location: uri, filename: uri, flags: flags)
    }

    /// Opens `filename` with `flags`; `location` names the database in errors.
    private init(location: String, filename: String, flags: Int32) throws(LedgerError) {
        path = location
        var db: OpaquePointer?
        let rc = sqlite3_open_v2(filename, &db, flags, nil)
        handle = db
        guard rc == SQLITE_OK else {
            let message = db.map { String(cString: sqlite3_errmsg($0)) } ?? String(cString: sqlite3_errstr(rc))
            sqlite3_close_v2(db)
            handle = nil
            throw LedgerError(location: path, message: "cannot open the ledger: \(message)", code: rc)
        }
        sqlite3_extended_result_codes(db, 1)
        // A short-lived command (a cron sweep) would otherwise checkpoint and sync the WAL on every close;
        // writers checkpoint as the WAL grows anyway.
        _ = lr_sqlite3_db_config_int(db, SQLITE_DBCONFIG_NO_CKPT_ON_CLOSE, 1)
    }

    /// A `file:` URI for `path` with `immutable=1`; every byte but unreserved ones and `/` is escaped.
    static func immutableURI(_ path: String) -> String {
        fileURI(path) + "?immutable=1"
    }

    /// The `file:` URI of the shared in-memory database `name`: a path that starts with `/` is what
    /// makes `memdb` share it between connections.
    static func memoryURI(_ name: String) -> String {
        fileURI("/" + name) + "?vfs=memdb"
    }

    /// A `file:` URI for `path` with no query; every byte but unreserved ones and `/` is escaped.
    private static func fileURI(_ path: String) -> String {
        let hex = Array("0123456789ABCDEF".utf8)
        var uri = Array("file:".utf8)
        for byte in path.utf8 {
            switch byte {
            case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"),
                UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "/"), UInt8(ascii: "."), UInt8(ascii: "_"),
                UInt8(ascii: "-"), UInt8(ascii: "~"):
                uri.append(byte)
            default:
                uri += [UInt8(ascii: "%"), hex[Int(byte >> 4)], hex[Int(byte & 0x0F)]]
            }
        }
        return String(decoding: uri, as: UTF8.self)
    }

    deinit {
        closeConnection()
    }

    /// Finalizes the statements and closes the connection; later calls do nothing.
    func closeConnection() {
        statements.removeAll()
        hot = Array(repeating: nil, count: hot.count)
        sqlite3_close_v2(handle)
        handle = nil
    }

    /// Removes the empty `-wal` and `-shm` files a read-only connection left behind, when no other
    /// connection has the database open. A read-only connection cannot do it itself: SQLite removes
    /// them as the last connection closes, and only a read-write one checkpoints and deletes. So this
    /// opens one, reads the schema, and closes it; SQLite's own locks decide whether it is the last.
    /// The database file itself is not written (the log holds nothing to copy back). Best effort:
    /// any failure leaves the files as they are.
    static func removeEmptyWALFiles(path: String) {
        var status = stat()
        guard stat(path + "-wal", &status) == 0, status.st_size == 0 else { return }
        var db: OpaquePointer?
        defer { sqlite3_close_v2(db) }
        guard sqlite3_open_v2(path, &db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOMUTEX, nil) == SQLITE_OK else { return }
        _ = sqlite3_exec(db, "SELECT count(*) FROM sqlite_master", nil, nil, nil)
    }

    func error(_ what: String, _ rc: Int32) -> LedgerError {
        let message = handle.map { String(cString: sqlite3_errmsg($0)) } ?? String(cString: sqlite3_errstr(rc))
        let hint = (rc & 0xFF) == SQLITE_BUSY ? "; another process holds the ledger, try again" : ""
        return LedgerError(location: path, message: "\(what): \(message)\(hint)", code: rc & 0xFF)
    }

    /// Runs one or more statements that return no rows.
    func execute(_ sql: String) throws(LedgerError) {
        var message: UnsafeMutablePointer<CChar>?
        let rc = sqlite3_exec(handle, sql, nil, nil, &message)
        if rc != SQLITE_OK {
            let text = message.map { String(cString: $0) } ?? String(cString: sqlite3_errstr(rc))
            sqlite3_free(message)
            let hint = (rc & 0xFF) == SQLITE_BUSY ? "; another process holds the ledger, try again" : ""
            throw LedgerError(location: path, message: "\(text)\(hint)", code: rc & 0xFF)
        }
    }

    /// A prepared statement for `sql`, prepared once per connection and reset for reuse.
    func statement(_ sql: String) throws(LedgerError) -> SQLiteStatement {
        if let cached = statements[sql] {
            cached.reset()
            return cached
        }
        var stmt: OpaquePointer?
        let rc = sqlite3_prepare_v3(handle, sql, -1, UInt32(SQLITE_PREPARE_PERSISTENT), &stmt, nil)
        guard rc == SQLITE_OK, let stmt else { throw error("cannot prepare a statement", rc) }
        let statement = SQLiteStatement(stmt: stmt, database: self)
        statements[sql] = statement
        return statement
    }

    /// A hot statement, prepared on first use and reset for reuse.
    func statement(_ which: SQLiteHotStatement) throws(LedgerError) -> SQLiteStatement {
        if let prepared = hot[which.rawValue] {
            prepared.reset()
            return prepared
        }
        let prepared = try statement(which.sql)
        hot[which.rawValue] = prepared
        return prepared
    }

    /// Runs `body` in an immediate transaction, committing on success and rolling back on error.
    func transaction<T>(_ body: () throws -> T) throws -> T {
        try inTransaction("BEGIN IMMEDIATE", body)
    }

    /// Runs `body` with the schema's CHECK constraints not evaluated, and evaluated again afterwards.
    ///
    /// Only for writes whose checked columns take literals or typed values (an enum's raw value), so
    /// the checks cannot fail: SQLite evaluates each `IN (…)` check by building a temporary b-tree per
    /// row, two thirds of a sweep's fenced `UPDATE` (BENCHMARKS.md). Turning the pragma on or off
    /// expires the prepared statements; they are prepared again on their next use.
    func withoutCheckConstraints<T>(_ body: () throws -> T) throws -> T {
        try execute("PRAGMA ignore_check_constraints = ON")
        let result: T
        do {
            result = try body()
        } catch {
            try? execute("PRAGMA ignore_check_constraints = OFF")
            throw error
        }
        // Throws rather than leave the connection without its checks.
        try execute("PRAGMA ignore_check_constraints = OFF")
        return result
    }

    /// Runs `body` in a read transaction: everything it reads comes from one snapshot.
    func readTransaction<T>(_ body: () throws -> T) throws -> T {
        try inTransaction("BEGIN DEFERRED", body)
    }

    /// Runs `body` between `begin` and a commit, rolling back on error.
    private func inTransaction<T>(_ begin: String, _ body: () throws -> T) throws -> T {
        try execute(begin)
        do {
            let result = try body()
            try execute("COMMIT")
            return result
        } catch {
            try? execute("ROLLBACK")
            throw error
        }
    }

    /// Whether the database has no schema yet (a new file).
    func isEmpty() throws(LedgerError) -> Bool {
        let statement = try statement("SELECT count(*) FROM sqlite_master")
        defer { statement.reset() }
        return try statement.step() && statement.int64(0) == 0
    }

    var changes: Int { Int(sqlite3_changes(handle)) }
    var lastInsertRowID: Int64 { sqlite3_last_insert_rowid(handle) }
}

/// A prepared statement with positional binding and column access.
final class SQLiteStatement {
    private let stmt: OpaquePointer
    private unowned let database: SQLiteDatabase

    init(stmt: OpaquePointer, database: SQLiteDatabase) {
        self.stmt = stmt
        self.database = database
    }

    deinit {
        sqlite3_finalize(stmt)
    }

    func reset() {
        sqlite3_reset(stmt)
        sqlite3_clear_bindings(stmt)
    }

    /// Binds values to `?1`, `?2`, … in order.
    func bind(_ values: [SQLiteValue]) throws(LedgerError) {
        for (offset, value) in values.enumerated() {
            let index = Int32(offset + 1)
            let rc: Int32
            switch value {
            case .null: rc = sqlite3_bind_null(stmt, index)
            case .integer(let number): rc = sqlite3_bind_int64(stmt, index, number)
            case .real(let number): rc = sqlite3_bind_double(stmt, index, number)
            case .text(let text):
                rc =
                    text.utf8.withContiguousStorageIfAvailable { buffer in
                        buffer.withMemoryRebound(to: CChar.self) {
                            lr_sqlite3_bind_text_copy(stmt, index, $0.baseAddress, Int32($0.count))
                        }
                    } ?? lr_sqlite3_bind_text_copy(stmt, index, text, -1)
            }
            guard rc == SQLITE_OK else { throw database.error("cannot bind a value", rc) }
        }
    }

    /// Steps once; true when a row is available.
    func step() throws(LedgerError) -> Bool {
        let rc = sqlite3_step(stmt)
        switch rc {
        case SQLITE_ROW: return true
        case SQLITE_DONE: return false
        default:
            throw database.error("a statement failed", rc)
        }
    }

    /// Binds and runs a statement that returns no rows.
    func run(_ values: [SQLiteValue] = []) throws(LedgerError) {
        defer { sqlite3_reset(stmt) }
        try bind(values)
        while try step() {}
    }

    func int64(_ column: Int32) -> Int64 { sqlite3_column_int64(stmt, column) }

    func double(_ column: Int32) -> Double { sqlite3_column_double(stmt, column) }

    func isNull(_ column: Int32) -> Bool { sqlite3_column_type(stmt, column) == SQLITE_NULL }

    func optionalInt64(_ column: Int32) -> Int64? {
        sqlite3_column_type(stmt, column) == SQLITE_NULL ? nil : sqlite3_column_int64(stmt, column)
    }

    func text(_ column: Int32) -> String {
        guard let pointer = sqlite3_column_text(stmt, column) else { return "" }
        let count = Int(sqlite3_column_bytes(stmt, column))
        return String(decoding: UnsafeBufferPointer(start: pointer, count: count), as: UTF8.self)
    }

    func optionalText(_ column: Int32) -> String? {
        sqlite3_column_type(stmt, column) == SQLITE_NULL ? nil : text(column)
    }
}

/// A value bound to a statement parameter: the ledger's own value, so a row copied between ledgers
/// binds as it is.
typealias SQLiteValue = LedgerValue

extension SQLiteValue {
    static func optional(_ value: Int64?) -> SQLiteValue { value.map { .integer($0) } ?? .null }
    static func optional(_ value: String?) -> SQLiteValue { value.map { .text($0) } ?? .null }
}

extension SQLiteStatement: LedgerColumns {
    func int64(_ column: Int) -> Int64 { int64(Int32(column)) }
    func text(_ column: Int) -> String { text(Int32(column)) }
    func optionalInt64(_ column: Int) -> Int64? { optionalInt64(Int32(column)) }
    func optionalText(_ column: Int) -> String? { optionalText(Int32(column)) }
}
