/// A ledger failure that names the ledger and says what to do.
public struct LedgerError: Error, Sendable, CustomStringConvertible {
    /// The ledger's location (a file path).
    public var location: String
    /// What went wrong, including SQLite's own message when there is one.
    public var message: String
    /// The SQLite result code, when SQLite reported the error.
    public var code: Int32?
    /// Whether the ledger's database could not be reached (refused, timed out, lost): worth a retry.
    public var isUnreachable: Bool
    /// Whether the ledger's database refused the login or does not exist: configuration, not an outage.
    public var isConfiguration: Bool

    /// Creates an error.
    public init(
        location: String, message: String, code: Int32? = nil, isUnreachable: Bool = false,
        isConfiguration: Bool = false
    ) {
        self.location = location
        self.message = message
        self.code = code
        self.isUnreachable = isUnreachable
        self.isConfiguration = isConfiguration
    }

    public var description: String { "ledger \(location): \(message)" }

    /// Whether the error means another process holds the database (SQLITE_BUSY or SQLITE_LOCKED).
    public var isBusy: Bool { code == 5 || code == 6 }
}
