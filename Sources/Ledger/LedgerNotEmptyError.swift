/// A copy refused because its target ledger already holds rows.
public struct LedgerNotEmptyError: Error, Sendable, CustomStringConvertible {
    /// The target ledger's location (a path, or host, port and database).
    public var location: String
    /// The first table found holding rows.
    public var table: LedgerTable
    /// How many rows it holds.
    public var count: Int

    /// Creates the error.
    public init(location: String, table: LedgerTable, count: Int) {
        self.location = location
        self.table = table
        self.count = count
    }

    public var description: String {
        "ledger \(location) already holds \(table.label) (\(count)); choose an empty ledger to copy into"
    }
}
