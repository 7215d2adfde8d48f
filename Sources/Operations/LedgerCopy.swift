public import Ledger

#if canImport(Glibc)
    import Glibc
#endif

/// `ledger copy`: a whole ledger from one location to another, either backend to either, in one snapshot
/// out and one transaction in.
public enum LedgerCopy {
    /// One table's rows at the source and, after the copy, at the target.
    public struct TableCount: Sendable, Equatable {
        /// The table.
        public var table: LedgerTable
        /// Rows read from the source.
        public var source: Int
        /// Rows the target holds afterwards.
        public var target: Int
    }

    /// Copies `source` into `target`, which must hold no alerts. A failure leaves the target as it was (a
    /// file the copy created is removed).
    public static func run(from source: LedgerLocation, to target: LedgerLocation) throws(OperationError)
        -> [TableCount]
    {
        let reader = try source.open(.readOnly, checking: "--from")
        if reader is EmptyLedger { throw .usage("--from: no ledger at \(source); give the ledger to copy") }
        let createsFile = !target.exists
        let writer = try target.open(.readWrite(), checking: "--to")
        var sourceCounts: [LedgerTable: Int] = [:]
        do {
            try writer.importRows { write in sourceCounts = try reader.exportRows(write) }
        } catch let refused as LedgerNotEmptyError {
            throw .usage("--to: \(refused)")
        } catch {
            if createsFile, case .file(let path) = target {
                for suffix in ["", "-wal", "-shm"] { unlink(path + suffix) }
            }
            throw .failed("ledger copy: \(error); the target was left as it was")
        }
        let targetCounts: [LedgerTable: Int]
        do {
            targetCounts = try writer.rowCounts()
        } catch {
            throw .failed("ledger copy: \(error)")
        }
        return LedgerTable.allCases.map {
            TableCount(table: $0, source: sourceCounts[$0, default: 0], target: targetCounts[$0, default: 0])
        }
    }
}
