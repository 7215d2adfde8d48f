extension EmptyLedger {
    @discardableResult
    public func exportRows(_ body: (LedgerRow) throws -> Void) throws -> [LedgerTable: Int] {
        Dictionary(uniqueKeysWithValues: LedgerTable.allCases.map { ($0, 0) })
    }

    public func importRows(_ source: (_ write: (LedgerRow) throws -> Void) throws -> Void) throws {
        throw LedgerError(location: location, message: "the ledger was opened read only")
    }

    public func rowCounts() throws -> [LedgerTable: Int] {
        Dictionary(uniqueKeysWithValues: LedgerTable.allCases.map { ($0, 0) })
    }
}
