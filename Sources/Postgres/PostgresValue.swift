/// A parameter for a query: text, an integer, a number, or NULL; all go to the server as text.
public enum PostgresValue: Sendable, Equatable {
    case null
    case integer(Int64)
    case real(Double)
    case text(String)

    /// An optional integer, NULL when nil.
    public static func optional(_ value: Int64?) -> PostgresValue { value.map { .integer($0) } ?? .null }
    /// An optional text, NULL when nil.
    public static func optional(_ value: String?) -> PostgresValue { value.map { .text($0) } ?? .null }

    var text: String? {
        switch self {
        case .null: nil
        case .integer(let value): String(value)
        case .real(let value): String(value)
        case .text(let value): value
        }
    }
}
