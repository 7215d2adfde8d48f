public import Ledger

extension LedgerLocation {
    /// Opens the ledger for a command: a busy or unreachable ledger is exit 1, so cron tries again; one
    /// that cannot be opened (a missing directory, no permission, not a ledger, a refused login, a missing
    /// database) is configuration, exit 78, and the message says to check `source`.
    public func open(
        _ access: LedgerAccess, checking source: String = "ledger, LOGZIO_RESOLVER_LEDGER or --ledger"
    ) throws(OperationError) -> any LedgerBackend {
        do {
            return try openBackend(access)
        } catch {
            throw OperationError(opening: error, source: source)
        }
    }
}

extension OperationError {
    /// The exit status and message for a ledger that could not be opened.
    public init(opening error: LedgerOpenError, source: String = "ledger, LOGZIO_RESOLVER_LEDGER or --ledger") {
        self = error.isTransient ? .failed(error.message) : .config("\(error.message) (check \(source))")
    }
}
