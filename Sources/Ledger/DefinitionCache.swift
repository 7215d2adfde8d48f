/// The ledger's cache of Logz.io alert definitions for `stale_after: auto`, shared by the next run
/// and by other hosts on the same ledger.
public protocol DefinitionCache: LedgerRole {
    /// Replaces the cached definitions (as JSON text) with a fetch made at `fetchedAt`, and adds their
    /// ids to those ever listed.
    func storeDefinitions(_ text: String, ids: [Int64], fetchedAt: Int64) throws

    /// The cached definitions and when they were fetched, or nil when none were.
    func cachedDefinitions() throws -> (text: String, fetchedAt: Int64)?

    /// Every definition id any fetch has listed.
    func everListedDefinitionIDs() throws -> Set<Int64>
}
