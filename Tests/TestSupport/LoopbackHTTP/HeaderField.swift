/// One HTTP header field as a name and a value.
public struct HeaderField: Sendable, Equatable {
    /// The field name as sent; lookups compare it case-insensitively.
    public var name: String
    /// The field value without surrounding whitespace.
    public var value: String

    /// Creates a header field from a name and a value.
    public init(_ name: String, _ value: String) {
        self.name = name
        self.value = value
    }

    /// Whether this field's name equals `other`, ignoring ASCII case.
    func hasName(_ other: String) -> Bool {
        name.utf8.elementsEqual(other.utf8) { Self.lowercased($0) == Self.lowercased($1) }
    }

    private static func lowercased(_ byte: UInt8) -> UInt8 {
        (byte >= UInt8(ascii: "A") && byte <= UInt8(ascii: "Z")) ? byte | 0x20 : byte
    }
}

extension [HeaderField] {
    /// The value of the first field named `name`, compared case-insensitively.
    func firstValue(named name: String) -> String? {
        first { $0.hasName(name) }?.value
    }
}
