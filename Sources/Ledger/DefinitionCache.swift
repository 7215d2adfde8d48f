/// The ledger's cache of Logz.io alert definitions for `stale_after: auto`, per Logz.io account (a
/// definition id means nothing without its account), shared by the next run and by other hosts on the
/// same ledger. The top-level account's key is `LogzioAccountKey.topLevel`.
public protocol DefinitionCache: LedgerRole {
    /// Replaces the account's cached definitions (as JSON text) with a fetch made at `fetchedAt`, and adds
    /// their ids to those the account ever listed.
    func storeDefinitions(_ text: String, ids: [Int64], fetchedAt: Int64, account: String) throws

    /// The account's cached definitions and when they were fetched, or nil when none were.
    func cachedDefinitions(account: String) throws -> (text: String, fetchedAt: Int64)?

    /// Every definition id any fetch of the account has listed.
    func everListedDefinitionIDs(account: String) throws -> Set<Int64>
}

/// How the ledger names a Logz.io account: the id `logzio.accounts` gives it, as text.
public enum LogzioAccountKey {
    /// The top-level account (`logzio.token_file`, `LOGZIO_API_TOKEN`), which has no id.
    public static let topLevel = ""
}
