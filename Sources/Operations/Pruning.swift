public import Ledger

/// `prune`: deletes resolved history received before a cutoff, then vacuums.
public enum Pruning {
    /// Deletes (or, in a dry run, counts) the history of resolved alerts received before `cutoff`; never an
    /// open alert or any alert's last event. A real run vacuums afterwards.
    public static func run(_ location: LedgerLocation, before cutoff: Int64, dryRun: Bool) throws(OperationError)
        -> PruneResult
    {
        let ledger = try location.open(dryRun ? .readOnly : .readWrite())
        do {
            let result = try ledger.prune(before: cutoff, dryRun: dryRun)
            if !dryRun { try ledger.vacuum(incremental: false) }
            return result
        } catch {
            throw .failed("\(error)")
        }
    }
}
