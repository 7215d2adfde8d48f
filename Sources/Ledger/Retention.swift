/// Keeps the ledger small: deletes resolved history and gives the space back.
public protocol Retention: LedgerRole {
    /// Deletes resolved history received before `cutoff`: old events and `ok` records of alerts that
    /// are not open. Never an open alert, nor any alert's current event. With `dryRun`, only counts.
    func prune(before cutoff: Int64, dryRun: Bool) throws -> PruneResult

    /// Gives freed pages back to the file system: all at once (`VACUUM`, which rewrites the file), or
    /// with `incremental`, only the free pages, cheaply.
    func vacuum(incremental: Bool) throws
}
