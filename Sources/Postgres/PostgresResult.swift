import CLibPQ

/// The rows one query returned, read as text; it owns the libpq result and frees it on deinit.
public final class PostgresResult {
    private let result: OpaquePointer?

    init(_ result: OpaquePointer?) {
        self.result = result
    }

    var pointer: OpaquePointer? { result }

    deinit {
        PQclear(result)
    }

    /// How many rows.
    public var count: Int { Int(PQntuples(result)) }

    /// How many rows an UPDATE, INSERT or DELETE touched.
    public var affected: Int {
        guard let text = PQcmdTuples(result) else { return 0 }
        return Int(String(cString: text)) ?? 0
    }

    /// Whether the value at `row`, `column` is NULL.
    public func isNull(_ row: Int, _ column: Int) -> Bool {
        PQgetisnull(result, Int32(row), Int32(column)) != 0
    }

    /// The value as text ("" for NULL).
    public func text(_ row: Int, _ column: Int) -> String {
        guard let value = PQgetvalue(result, Int32(row), Int32(column)) else { return "" }
        return String(cString: value)
    }

    /// The value as text, or nil for NULL.
    public func optionalText(_ row: Int, _ column: Int) -> String? {
        isNull(row, column) ? nil : text(row, column)
    }

    /// The value as an integer (0 for NULL or text that is not one).
    public func int64(_ row: Int, _ column: Int) -> Int64 {
        Int64(text(row, column)) ?? 0
    }

    /// The value as an integer, or nil for NULL.
    public func optionalInt64(_ row: Int, _ column: Int) -> Int64? {
        isNull(row, column) ? nil : Int64(text(row, column))
    }

    /// The value as a number (0 for NULL).
    public func double(_ row: Int, _ column: Int) -> Double {
        Double(text(row, column)) ?? 0
    }

    /// The value as a boolean (`t`).
    public func bool(_ row: Int, _ column: Int) -> Bool {
        text(row, column) == "t"
    }
}
