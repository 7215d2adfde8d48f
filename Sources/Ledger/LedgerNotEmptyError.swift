/// A copy refused because its target ledger already holds alerts (or rows that belong to alerts).
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

    /// The refusal for a target with these row counts, or nil when it holds no alerts and nothing that
    /// belongs to one (events, sent oks, outbox rows): such a target may be copied into.
    public static func refusal(location: String, counts: [LedgerTable: Int]) -> LedgerNotEmptyError? {
        let held: [LedgerTable] = [.alerts, .events, .resolutions, .outbox]
        guard let table = held.first(where: { counts[$0, default: 0] > 0 }) else { return nil }
        return LedgerNotEmptyError(location: location, table: table, count: counts[table, default: 0])
    }

    public var description: String {
        "ledger \(location) already holds \(table.label) (\(count)); choose an empty ledger to copy into"
    }
}
