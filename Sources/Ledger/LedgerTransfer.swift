/// Moving a whole ledger between backends: every row of every table read as typed values, and written
/// into an empty ledger in one transaction. Claims are not rows and are not moved.
public protocol LedgerTransfer: LedgerRole {
    /// Passes every row of every table to `body`, in `LedgerTable.allCases` order and by key within a
    /// table, from one consistent snapshot; returns each table's row count in that snapshot.
    @discardableResult
    func exportRows(_ body: (LedgerRow) throws -> Void) throws -> [LedgerTable: Int]

    /// Writes the rows `source` passes to its `write` (in `LedgerTable.allCases` order) into this ledger
    /// in one transaction, keeping their ids. Throws `LedgerNotEmptyError` when it already holds alerts;
    /// what a ledger without alerts holds (counters, heartbeats, definitions) is replaced. On any
    /// failure nothing is written.
    func importRows(_ source: (_ write: (LedgerRow) throws -> Void) throws -> Void) throws

    /// Each table's row count.
    func rowCounts() throws -> [LedgerTable: Int]
}
