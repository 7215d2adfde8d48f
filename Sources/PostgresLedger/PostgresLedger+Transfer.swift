public import Ledger
import Postgres

extension PostgresLedger: LedgerTransfer {
    /// Rows read per query of a table keyed by id, and written per INSERT.
    private static let pageSize = 500

    @discardableResult
    public func exportRows(_ body: (LedgerRow) throws -> Void) throws -> [LedgerTable: Int] {
        // One snapshot for every table; rows are read a page at a time by id, so a large table is never
        // held in memory at once.
        _ = try guarded { try connection.execute("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY") }
        do {
            let counts = try guarded { try rowCounts(on: connection) }
            for table in LedgerTable.allCases {
                try exportTable(table, body)
            }
            _ = try guarded { try connection.execute("COMMIT") }
            return counts
        } catch {
            _ = try? connection.execute("ROLLBACK")
            throw error
        }
    }

    private func exportTable(_ table: LedgerTable, _ body: (LedgerRow) throws -> Void) throws {
        let columns = table.columns
        let select = "SELECT \(columns.map(\.name).joined(separator: ", ")) FROM \(table.sqlName)"
        let keyedByID = table.key == ["id"]
        var after = Int64.min
        while true {
            let result = try guarded {
                keyedByID
                    ? try connection.query(
                        "\(select) WHERE id > $1 ORDER BY id LIMIT \(Self.pageSize)", [.integer(after)])
                    : try connection.query("\(select) ORDER BY \(Self.byteOrder(table))")
            }
            for row in 0..<result.count {
                let values = columns.enumerated().map { index, column in
                    Self.value(result, row, index, kind: column.kind)
                }
                try body(try LedgerRow(table: table, values: values, location: location))
            }
            guard keyedByID, result.count == Self.pageSize else { return }
            after = result.int64(result.count - 1, 0)
        }
    }

    /// The key's columns for ORDER BY, text compared byte by byte as SQLite does.
    private static func byteOrder(_ table: LedgerTable) -> String {
        table.key.map { key in
            table.columns.first { $0.name == key }?.kind == .text ? "\(key) COLLATE \"C\"" : key
        }.joined(separator: ", ")
    }

    private static func value(_ result: PostgresResult, _ row: Int, _ column: Int, kind: LedgerValue.Kind)
        -> LedgerValue
    {
        if result.isNull(row, column) { return .null }
        switch kind {
        case .integer: return .integer(result.int64(row, column))
        case .real: return .real(result.double(row, column))
        case .text: return .text(result.text(row, column))
        }
    }

    public func importRows(_ source: (_ write: (LedgerRow) throws -> Void) throws -> Void) throws {
        try writing { connection in
            // No relay or sweep writes while the copy checks the tables are empty and fills them.
            try connection.execute(
                "LOCK TABLE \(LedgerTable.allCases.map(\.sqlName).joined(separator: ", ")) IN EXCLUSIVE MODE")
            let counts = try rowCounts(on: connection)
            if let refusal = LedgerNotEmptyError.refusal(location: location, counts: counts) { throw refusal }
            // A ledger without alerts may hold what runs on it left (counters, heartbeats, definitions):
            // the copy replaces them with the source's.
            for table in LedgerTable.allCases.reversed() where counts[table, default: 0] > 0 {
                try connection.execute("DELETE FROM \(table.sqlName)")
            }
            var batch: [LedgerRow] = []
            // Errors leave as ledger errors naming this ledger, not the source the rows come from.
            try source { row in
                if let first = batch.first, first.table != row.table || batch.count == Self.pageSize {
                    try guarded { try insert(batch, on: connection) }
                    batch.removeAll(keepingCapacity: true)
                }
                batch.append(row)
            }
            try insert(batch, on: connection)
            // The ids were written as they were: move each numbering on past them.
            for table in LedgerTable.allCases where table.hasGeneratedID {
                try connection.query(
                    """
                    SELECT setval(pg_get_serial_sequence('\(table.sqlName)', 'id'), COALESCE(max(id), 1), \
                    max(id) IS NOT NULL) FROM \(table.sqlName)
                    """)
            }
        }
    }

    /// Writes rows of one table with one INSERT.
    private func insert(_ rows: [LedgerRow], on connection: PostgresConnection) throws {
        guard let table = rows.first?.table else { return }
        let columns = table.columns.map(\.name)
        var values: [PostgresValue] = []
        values.reserveCapacity(rows.count * columns.count)
        let tuples = rows.enumerated().map { offset, row in
            values += row.values.map(PostgresValue.init)
            let first = offset * columns.count
            return "(" + (1...columns.count).map { "$\(first + $0)" }.joined(separator: ", ") + ")"
        }
        try connection.query(
            "INSERT INTO \(table.sqlName) (\(columns.joined(separator: ", "))) VALUES "
                + tuples.joined(separator: ", "), values)
    }

    public func rowCounts() throws -> [LedgerTable: Int] {
        try guarded { try rowCounts(on: connection) }
    }

    private func rowCounts(on connection: PostgresConnection) throws -> [LedgerTable: Int] {
        let result = try connection.query(
            "SELECT "
                + LedgerTable.allCases.map { "(SELECT count(*) FROM \($0.sqlName))" }.joined(separator: ", "))
        return Dictionary(
            uniqueKeysWithValues: LedgerTable.allCases.enumerated().map { ($1, Int(result.int64(0, $0))) })
    }
}

extension PostgresValue {
    /// A ledger row's value as a query parameter.
    fileprivate init(_ value: LedgerValue) {
        switch value {
        case .null: self = .null
        case .integer(let number): self = .integer(number)
        case .real(let number): self = .real(number)
        case .text(let text): self = .text(text)
        }
    }
}
