/// One HTTP header field as a name and a value.
public struct HTTPHeader: Sendable, Equatable {
    /// The field name, compared case-insensitively by lookups.
    public var name: String
    /// The field value, without surrounding whitespace.
    public var value: String

    /// Creates a header field from a name and a value.
    public init(_ name: String, _ value: String) {
        self.name = name
        self.value = value
    }

    /// Whether this field's name equals `other`, ignoring ASCII case.
    func hasName(_ other: String) -> Bool {
        var lhs = name.utf8.makeIterator()
        var rhs = other.utf8.makeIterator()
        while true {
            switch (lhs.next(), rhs.next()) {
            case (nil, nil):
                return true
            case let (left?, right?):
                if Self.lowercased(left) != Self.lowercased(right) { return false }
            default:
                return false
            }
        }
    }

    private static func lowercased(_ byte: UInt8) -> UInt8 {
        (byte >= UInt8(ascii: "A") && byte <= UInt8(ascii: "Z")) ? byte | 0x20 : byte
    }
}

extension [HTTPHeader] {
    /// Returns the value of the first field whose name matches `name` case-insensitively.
    func firstValue(named name: String) -> String? {
        first { $0.hasName(name) }?.value
    }
}
