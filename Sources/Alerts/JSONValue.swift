/// A JSON value that keeps what came in: object key order, and numbers as their exact text.
///
/// Identity fields must be sent back to BigPanda exactly as received, so numbers are never
/// round-tripped through a binary floating-point or integer type.
public enum JSONValue: Sendable, Equatable {
    case null
    case bool(Bool)
    /// A number, as its JSON text (for example `1764237600` or `-2.5e3`).
    case number(String)
    case string(String)
    case array([JSONValue])
    case object(JSONObject)

    /// The value as an object, if it is one.
    public var objectValue: JSONObject? {
        if case .object(let object) = self { return object }
        return nil
    }

    /// The value as a string, if it is one.
    public var stringValue: String? {
        if case .string(let string) = self { return string }
        return nil
    }

    /// The value as a 64-bit integer, if it is a number written without fraction or exponent.
    public var integerValue: Int64? {
        if case .number(let text) = self, JSONValue.isIntegerText(text) { return Int64(text) }
        return nil
    }

    /// Whether the value is an integer number (any magnitude).
    public var isInteger: Bool {
        if case .number(let text) = self { return JSONValue.isIntegerText(text) }
        return false
    }

    /// The name of the value's JSON type, for error messages.
    public var typeName: String {
        switch self {
        case .null: "null"
        case .bool: "a boolean"
        case .number(let text): JSONValue.isIntegerText(text) ? "an integer" : "a number"
        case .string: "a string"
        case .array: "an array"
        case .object: "an object"
        }
    }

    /// The text a glob pattern or an identity sees: strings as they are, anything else as compact JSON.
    public var matchText: String {
        switch self {
        case .string(let string): string
        case .number(let text): text
        default: serialized()
        }
    }

    /// Creates an integer number value.
    public static func integer(_ value: Int64) -> JSONValue {
        .number(String(value))
    }

    static func isIntegerText(_ text: String) -> Bool {
        var utf8 = Substring(text).utf8[...]
        if utf8.first == UInt8(ascii: "-") { utf8 = utf8.dropFirst() }
        return !utf8.isEmpty && utf8.allSatisfy { $0 >= UInt8(ascii: "0") && $0 <= UInt8(ascii: "9") }
    }
}

/// A JSON object whose members keep their order.
public struct JSONObject: Sendable, Equatable, Sequence {
    /// The members, in order. Keys are unique.
    public private(set) var members: [(key: String, value: JSONValue)]

    /// Creates an empty object.
    public init() {
        members = []
    }

    /// Creates an object from members whose keys are unique.
    public init(_ members: [(key: String, value: JSONValue)]) {
        self.members = members
    }

    /// The number of members.
    public var count: Int { members.count }

    /// The keys in order.
    public var keys: [String] { members.map(\.key) }

    /// The value of a key; setting `nil` removes it, setting a new key appends it.
    public subscript(key: String) -> JSONValue? {
        get {
            for member in members where member.key == key { return member.value }
            return nil
        }
        set {
            if let index = members.firstIndex(where: { $0.key == key }) {
                if let newValue {
                    members[index].value = newValue
                } else {
                    members.remove(at: index)
                }
            } else if let newValue {
                members.append((key, newValue))
            }
        }
    }

    /// Iterates the members in order.
    public func makeIterator() -> IndexingIterator<[(key: String, value: JSONValue)]> {
        members.makeIterator()
    }

    public static func == (lhs: JSONObject, rhs: JSONObject) -> Bool {
        lhs.members.count == rhs.members.count
            && zip(lhs.members, rhs.members).allSatisfy { $0.key == $1.key && $0.value == $1.value }
    }
}
