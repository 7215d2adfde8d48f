import CLibPQ

#if canImport(Glibc)
    import Glibc
#endif

/// One libpq connection, used from one task at a time. It prepares each distinct statement once and
/// runs it with text parameters; it closes on deinit, which also ends the session's advisory locks.
public final class PostgresConnection {
    private var connection: OpaquePointer?
    private var prepared: [String: String] = [:]
    /// Whether a `COPY` started by `startCopy` may still be running, and how its sending went.
    private var copying = false
    private var copyQueued = true
    private var copyEnded = true
    /// The connection string, never holding a password.
    public let location: PostgresConnectionString

    /// Connects. A refused or timed-out connection is `isUnreachable`; a refused login or a missing
    /// database is `isConfiguration`.
    public init(_ location: PostgresConnectionString, connectTimeout: Int = 10) throws(PostgresError) {
        self.location = location
        var conninfo = location.value
        // A connect timeout unless the string sets one; in a URI it is a query parameter.
        if !conninfo.contains("connect_timeout") {
            if conninfo.hasPrefix("postgres") {
                conninfo += (conninfo.contains("?") ? "&" : "?") + "connect_timeout=\(connectTimeout)"
            } else {
                conninfo += " connect_timeout=\(connectTimeout)"
            }
        }
        connection = PQconnectdb(conninfo)
        guard PQstatus(connection) == CONNECTION_OK else {
            let message = Self.message(connection)
            PQfinish(connection)
            connection = nil
            let unreachable =
                message.contains("Connection refused") || message.contains("timeout expired")
                || message.contains("could not connect") || message.contains("No such file or directory")
                || message.contains("could not translate host name")
            throw PostgresError(message: message, isUnreachable: unreachable && !message.contains("does not exist"))
        }
        // Quiet NOTICEs (e.g. "relation already exists, skipping") never reach stderr.
        _ = try? execute("SET client_min_messages = warning")
    }

    deinit {
        PQfinish(connection)
    }

    /// Whether the connection is still usable.
    public var isHealthy: Bool { PQstatus(connection) == CONNECTION_OK }

    /// The host, port and database, for messages.
    public var target: String {
        let host = PQhost(connection).map { String(cString: $0) } ?? "?"
        let port = PQport(connection).map { String(cString: $0) } ?? "?"
        let database = PQdb(connection).map { String(cString: $0) } ?? "?"
        return "host \(host), port \(port), database \(database)"
    }

    /// Runs one or more statements without parameters (migrations, BEGIN, COMMIT).
    @discardableResult
    public func execute(_ sql: String) throws(PostgresError) -> PostgresResult {
        try finishCopy()
        let result = PostgresResult(PQexec(connection, sql))
        try check(result)
        return result
    }

    /// Runs one statement with parameters, prepared once per connection.
    @discardableResult
    public func query(_ sql: String, _ values: [PostgresValue] = []) throws(PostgresError) -> PostgresResult {
        try finishCopy()
        let name = try preparedName(sql, parameters: values.count)
        let result = Self.withParameters(values) { count, parameters in
            PostgresResult(PQexecPrepared(connection, name, count, parameters, nil, nil, 0))
        }
        try check(result)
        return result
    }

    /// Runs statements back to back in one round trip (libpq's pipeline mode), in order, and returns
    /// their results; statements with parameters are prepared once per connection, as by `query`.
    /// The server stops at the first that fails: this throws its error, and the ones after it do not
    /// run. Inside a transaction that leaves the transaction failed, for the caller to roll back;
    /// outside one, the statements up to the end of the pipeline run as one implicit transaction.
    @discardableResult
    public func pipeline(_ statements: [(sql: String, values: [PostgresValue])]) throws(PostgresError)
        -> [PostgresResult]
    {
        try finishCopy()
        var names: [String?] = []
        for statement in statements {
            names.append(
                statement.values.isEmpty ? nil : try preparedName(statement.sql, parameters: statement.values.count))
        }
        guard PQenterPipelineMode(connection) == 1 else {
            throw PostgresError(message: "cannot start a pipeline: \(Self.message(connection))")
        }
        var sentCount = 0
        for (statement, name) in zip(statements, names) {
            let sent = Self.withParameters(statement.values) { count, parameters in
                if let name {
                    PQsendQueryPrepared(connection, name, count, parameters, nil, nil, 0) == 1
                } else {
                    PQsendQueryParams(connection, statement.sql, 0, nil, nil, nil, nil, 0) == 1
                }
            }
            guard sent else { break }
            sentCount += 1
        }
        var awaitingSync = PQpipelineSync(connection) == 1
        // Each statement sent gives its result (or "aborted", after a failure) and then nil; the
        // sync point comes last. A broken connection gives an error and nils, and no sync.
        var awaiting = sentCount
        var results: [PostgresResult] = []
        var failure: PostgresError?
        while awaiting > 0 || awaitingSync {
            guard let next = PQgetResult(connection) else {
                if awaiting == 0 { break }
                awaiting -= 1
                continue
            }
            let status = PQresultStatus(next)
            if status == PGRES_PIPELINE_SYNC {
                PQclear(next)
                awaitingSync = false
                continue
            }
            let result = PostgresResult(next)
            if status == PGRES_PIPELINE_ABORTED { continue }
            if failure == nil {
                do throws(PostgresError) { try check(result) } catch { failure = error }
            }
            results.append(result)
        }
        PQexitPipelineMode(connection)
        if let failure { throw failure }
        guard results.count == statements.count else {
            throw PostgresError(
                message: "a pipeline ended early: \(Self.message(connection))",
                isUnreachable: PQstatus(connection) != CONNECTION_OK)
        }
        return results
    }

    /// The name of `sql` prepared on this connection, preparing it the first time.
    private func preparedName(_ sql: String, parameters: Int) throws(PostgresError) -> String {
        if let known = prepared[sql] { return known }
        let name = "s\(prepared.count + 1)"
        let result = PostgresResult(PQprepare(connection, name, sql, Int32(parameters), nil))
        try check(result)
        prepared[sql] = name
        return name
    }

    /// Calls `body` with the values as libpq's text parameters, valid only during the call.
    private static func withParameters<T>(
        _ values: [PostgresValue], _ body: (Int32, UnsafePointer<UnsafePointer<CChar>?>?) -> T
    ) -> T {
        let pointers: [UnsafeMutablePointer<CChar>?] = values.map { value in value.text.flatMap { strdup($0) } }
        defer { for pointer in pointers { free(pointer) } }
        let constants: [UnsafePointer<CChar>?] = pointers.map { $0.map { UnsafePointer($0) } }
        return constants.withUnsafeBufferPointer { buffer in body(Int32(values.count), buffer.baseAddress) }
    }

    /// Runs `sql`, a `COPY ... FROM STDIN (FORMAT binary)`, with `rows` as its data; returns how many
    /// rows the server took. A row the server refuses fails the whole `COPY`, as in one statement.
    @discardableResult
    public func copy(_ sql: String, _ rows: PostgresCopyRows) throws(PostgresError) -> Int {
        try startCopy(sql, rows)
        return try finishCopy()
    }

    /// Starts `sql`, a `COPY ... FROM STDIN (FORMAT binary)`, with `rows` as its data, and returns
    /// without waiting for the server: the rows go out while the caller does other work (calling
    /// `sendPending()` now and then), and the server stores them meanwhile. The next statement on this
    /// connection first waits for the `COPY` to end, and throws its failure if it failed.
    public func startCopy(_ sql: String, _ rows: PostgresCopyRows) throws(PostgresError) {
        try finishCopy()
        let started = PostgresResult(PQexec(connection, sql))
        guard PQresultStatus(started.pointer) == PGRES_COPY_IN else {
            try check(started)
            throw PostgresError(message: "COPY did not start: \(Self.message(connection))")
        }
        copying = true
        // Without blocking, libpq keeps what the socket does not take in its own buffer.
        PQsetnonblocking(connection, 1)
        let queued = [rows.bytes, PostgresCopyRows.trailer].allSatisfy { data in
            data.withUnsafeBufferPointer { buffer in
                buffer.withMemoryRebound(to: CChar.self) { characters in
                    // libpq takes the length as an Int32: large data goes in slices.
                    var offset = 0
                    while offset < characters.count {
                        let length = min(characters.count - offset, 1 << 24)
                        guard let base = characters.baseAddress,
                            put({ PQputCopyData($0, base + offset, Int32(length)) })
                        else { return false }
                        offset += length
                    }
                    return true
                }
            }
        }
        // Ending with an error message makes the server fail the COPY when not every row went out.
        copyEnded = put { PQputCopyEnd($0, queued ? nil : "the client could not send every row") }
        copyQueued = queued
        sendPending()
    }

    /// Sends what a `COPY` started by `startCopy` still has to send, as far as the socket takes it now.
    public func sendPending() {
        if copying { _ = PQflush(connection) }
    }

    /// Calls a libpq put function; when libpq could not queue the data without blocking, waits.
    private func put(_ call: (OpaquePointer?) -> Int32) -> Bool {
        switch call(connection) {
        case 1: return true
        case 0:
            PQsetnonblocking(connection, 0)
            defer { PQsetnonblocking(connection, 1) }
            return call(connection) == 1
        default: return false
        }
    }

    /// Waits for a `COPY` that `startCopy` left going, and returns how many rows it stored (0 with none).
    @discardableResult
    private func finishCopy() throws(PostgresError) -> Int {
        guard copying else { return 0 }
        copying = false
        PQsetnonblocking(connection, 0)
        // Blocking now, one flush sends the rest (or fails with the connection).
        _ = PQflush(connection)
        // The COPY's own result, then nil; a connection that broke mid-copy reports it here.
        var outcome: PostgresResult?
        while copyEnded, let next = PQgetResult(connection) {
            let result = PostgresResult(next)
            if PQresultStatus(next) == PGRES_COPY_IN { break }
            if outcome == nil { outcome = result }
        }
        guard copyEnded, let outcome else {
            throw PostgresError(
                message: Self.message(connection), isUnreachable: PQstatus(connection) != CONNECTION_OK)
        }
        try check(outcome)
        guard copyQueued else {
            throw PostgresError(
                message: Self.message(connection), isUnreachable: PQstatus(connection) != CONNECTION_OK)
        }
        return outcome.affected
    }

    /// Runs `body` in a transaction: committed when it returns, rolled back when it throws.
    public func transaction<T>(_ body: () throws -> T) throws -> T {
        try execute("BEGIN")
        do {
            let value = try body()
            try execute("COMMIT")
            return value
        } catch {
            // A COPY still going is ended first, so its failure does not stop the ROLLBACK.
            _ = try? finishCopy()
            _ = try? execute("ROLLBACK")
            throw error
        }
    }

    private func check(_ result: PostgresResult) throws(PostgresError) {
        let status = PQresultStatus(resultPointer(result))
        switch status {
        case PGRES_COMMAND_OK, PGRES_TUPLES_OK, PGRES_EMPTY_QUERY: return
        default:
            let state = PQresultErrorField(resultPointer(result), Int32(UInt8(ascii: "C"))).map { String(cString: $0) }
            // The connection is gone, or the server is shutting down or starting (57P0x) or reports a
            // connection failure (08xxx): the caller reconnects rather than reports a bad request.
            let lost =
                PQstatus(connection) != CONNECTION_OK
                || state.map { $0.hasPrefix("08") || $0.hasPrefix("57P0") }
                    ?? false
            throw PostgresError(message: Self.message(connection), sqlState: state, isUnreachable: lost)
        }
    }

    private func resultPointer(_ result: PostgresResult) -> OpaquePointer? {
        result.pointer
    }

    private static func message(_ connection: OpaquePointer?) -> String {
        let text = PQerrorMessage(connection).map { String(cString: $0) } ?? "unknown libpq error"
        return text.split(whereSeparator: \.isNewline).map { line in
            String(line.drop { $0 == " " || $0 == "\t" })
        }.filter { !$0.isEmpty }.joined(separator: "; ")
    }
}
