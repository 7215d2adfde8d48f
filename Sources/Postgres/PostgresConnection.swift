import CLibPQ

#if canImport(Glibc)
    import Glibc
#endif

/// One libpq connection, used from one task at a time. It prepares each distinct statement once and
/// runs it with text parameters; it closes on deinit, which also ends the session's advisory locks.
public final class PostgresConnection {
    private var connection: OpaquePointer?
    private var prepared: [String: String] = [:]
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
        let result = PostgresResult(PQexec(connection, sql))
        try check(result)
        return result
    }

    /// Runs one statement with parameters, prepared once per connection.
    @discardableResult
    public func query(_ sql: String, _ values: [PostgresValue] = []) throws(PostgresError) -> PostgresResult {
        let name: String
        if let known = prepared[sql] {
            name = known
        } else {
            name = "s\(prepared.count + 1)"
            let result = PostgresResult(PQprepare(connection, name, sql, Int32(values.count), nil))
            try check(result)
            prepared[sql] = name
        }
        let texts = values.map(\.text)
        let pointers: [UnsafeMutablePointer<CChar>?] = texts.map { text in text.flatMap { strdup($0) } }
        defer { for pointer in pointers { free(pointer) } }
        let constants: [UnsafePointer<CChar>?] = pointers.map { $0.map { UnsafePointer($0) } }
        let result = constants.withUnsafeBufferPointer { buffer in
            PostgresResult(
                PQexecPrepared(connection, name, Int32(values.count), buffer.baseAddress, nil, nil, 0))
        }
        try check(result)
        return result
    }

    /// Runs `body` in a transaction: committed when it returns, rolled back when it throws.
    public func transaction<T>(_ body: () throws -> T) throws -> T {
        try execute("BEGIN")
        do {
            let value = try body()
            try execute("COMMIT")
            return value
        } catch {
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
