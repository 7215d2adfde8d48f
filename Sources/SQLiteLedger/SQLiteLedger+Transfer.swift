public import Ledger

extension SQLiteLedger: LedgerTransfer {
    @discardableResult
    public func exportRows(_ body: (LedgerRow) throws -> Void) throws -> [LedgerTable: Int] {
        try database.readTransaction {
            let counts = try rowCounts()
            for table in LedgerTable.allCases {
                let columns = table.columns
                let statement = try database.statement(
                    "SELECT \(columns.map(\.name).joined(separator: ", ")) FROM \(table.sqlName) ORDER BY "
                        + table.key.joined(separator: ", "))
                defer { statement.reset() }
                while try statement.step() {
                    let values = columns.enumerated().map { index, column in
                        statement.value(Int32(index), kind: column.kind)
                    }
                    try body(try LedgerRow(table: table, values: values, location: location))
                }
            }
            return counts
        }
    }

    public func importRows(_ source: (_ write: (LedgerRow) throws -> Void) throws -> Void) throws {
        let database = try writable()
        try database.transaction {
            let counts = try rowCounts()
            if let refusal = LedgerNotEmptyError.refusal(location: location, counts: counts) { throw refusal }
            // A ledger without alerts may hold what runs on it left (counters, heartbeats, definitions):
            // the copy replaces them with the source's.
            for table in LedgerTable.allCases.reversed() where counts[table, default: 0] > 0 {
                try database.execute("DELETE FROM \(table.sqlName)")
            }
            try source { row in
                let table = row.table
                let columns = table.columns.map(\.name)
                try database.statement(
                    "INSERT INTO \(table.sqlName) (\(columns.joined(separator: ", "))) VALUES ("
                        + (1...columns.count).map { "?\($0)" }.joined(separator: ", ") + ")"
                ).run(row.values)
            }
        }
    }

    public func rowCounts() throws -> [LedgerTable: Int] {
        var counts: [LedgerTable: Int] = [:]
        for table in LedgerTable.allCases {
            let statement = try database.statement("SELECT count(*) FROM \(table.sqlName)")
            defer { statement.reset() }
            counts[table] = try statement.step() ? Int(statement.int64(0)) : 0
        }
        return counts
    }
}

extension SQLiteStatement {
    /// The column's value, read as `kind` (NULL stays NULL).
    fileprivate func value(_ column: Int32, kind: LedgerValue.Kind) -> LedgerValue {
        if isNull(column) { return .null }
        switch kind {
        case .integer: return .integer(int64(column))
        case .real: return .real(double(column))
        case .text: return .text(text(column))
        }
    }
}
