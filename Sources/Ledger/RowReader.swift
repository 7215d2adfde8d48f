/// Reads typed values out of one stored row, naming the column of a value that does not fit.
struct RowReader {
    let table: LedgerTable
    let values: [LedgerValue]
    let location: String

    private func value(_ index: Int) -> LedgerValue {
        index < values.count ? values[index] : .null
    }

    private func mismatch(_ index: Int) -> LedgerError {
        let columns = table.columns
        let name = index < columns.count ? columns[index].name : "#\(index)"
        return LedgerError(
            location: location, message: "table \(table.sqlName), column \(name): a value this version cannot read")
    }

    func optionalInteger(_ index: Int) throws -> Int64? {
        switch value(index) {
        case .null: nil
        case .integer(let number): number
        default: throw mismatch(index)
        }
    }

    func integer(_ index: Int) throws -> Int64 {
        guard let number = try optionalInteger(index) else { throw mismatch(index) }
        return number
    }

    func real(_ index: Int) throws -> Double {
        switch value(index) {
        case .real(let number): number
        case .integer(let number): Double(number)
        default: throw mismatch(index)
        }
    }

    func optionalText(_ index: Int) throws -> String? {
        switch value(index) {
        case .null: nil
        case .text(let text): text
        default: throw mismatch(index)
        }
    }

    func text(_ index: Int) throws -> String {
        guard let text = try optionalText(index) else { throw mismatch(index) }
        return text
    }

    func optionalCase<T: RawRepresentable<String>>(_ index: Int, _ type: T.Type) throws -> T? {
        guard let text = try optionalText(index) else { return nil }
        guard let parsed = T(rawValue: text) else { throw mismatch(index) }
        return parsed
    }

    func oneOf<T: RawRepresentable<String>>(_ index: Int, _ type: T.Type) throws -> T {
        guard let parsed = try optionalCase(index, type) else { throw mismatch(index) }
        return parsed
    }
}
