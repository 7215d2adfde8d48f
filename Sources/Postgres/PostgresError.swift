/// A libpq failure: what the server or libpq said, and whether it is about reaching the database
/// (refused, timed out: worth a retry) rather than about the request or the configuration.
public struct PostgresError: Error, Sendable, CustomStringConvertible {
    /// libpq's or the server's message, on one line.
    public var message: String
    /// The SQLSTATE code, when the server sent one (e.g. `23505`, `28P01`).
    public var sqlState: String?
    /// Whether the database could not be reached (connection refused, timed out, lost).
    public var isUnreachable: Bool

    /// Creates an error.
    public init(message: String, sqlState: String? = nil, isUnreachable: Bool = false) {
        self.message = message
        self.sqlState = sqlState
        self.isUnreachable = isUnreachable
    }

    /// Whether the server refused the login or the database does not exist: configuration, not an outage.
    public var isConfiguration: Bool {
        guard let sqlState else {
            return message.contains("password authentication failed") || message.contains("does not exist")
                || message.contains("no password supplied") || message.contains("role \"")
        }
        return sqlState.hasPrefix("28") || sqlState == "3D000"
    }

    public var description: String { message }
}
