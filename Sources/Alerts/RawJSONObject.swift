#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// A JSON object's top-level members as raw byte ranges, found without decoding the values.
///
/// The sweep reads thousands of stored payloads per run; it needs a few fields to match rules and
/// otherwise copies members through unchanged, so decoding whole trees would be wasted work.
public struct RawJSONObject: Sendable {
    /// The object's text.
    public let bytes: [UInt8]
    /// Each member's key and the byte range of its value, in order.
    public let members: [(key: String, value: Range<Int>)]

    /// Scans the top level of a JSON object; nested values are skipped, not validated.
    public init(_ bytes: [UInt8]) throws(JSONParseError) {
        self.bytes = bytes
        var scanner = Scanner(bytes: bytes)
        members = try scanner.members()
    }

    /// The raw text of a member's value.
    public func raw(_ range: Range<Int>) -> ArraySlice<UInt8> {
        bytes[range]
    }

    /// Decodes one member's value, or nil when the key is absent.
    public func value(_ key: String) throws(JSONParseError) -> JSONValue? {
        guard let member = members.first(where: { $0.key == key }) else { return nil }
        return try JSONParser.parse(Array(bytes[member.value]))
    }

    /// An object holding only the named members, decoded.
    public func subset(_ keys: Set<String>) throws(JSONParseError) -> JSONObject {
        var object = JSONObject()
        for member in members where keys.contains(member.key) {
            object[member.key] = try JSONParser.parse(Array(bytes[member.value]))
        }
        return object
    }

    /// Whether a value's raw text is an object, or an array that holds an object or an array.
    public func isNested(_ range: Range<Int>) -> Bool {
        Self.isNested(bytes[range])
    }

    /// Whether a value's JSON text is an object, or an array that holds an object or an array.
    public static func isNested(_ text: ArraySlice<UInt8>) -> Bool {
        guard let first = text.first else { return false }
        if first == UInt8(ascii: "{") { return true }
        guard first == UInt8(ascii: "[") else { return false }
        var inString = false
        var escaped = false
        for byte in text.dropFirst() {
            if inString {
                if escaped {
                    escaped = false
                } else if byte == UInt8(ascii: "\\") {
                    escaped = true
                } else if byte == UInt8(ascii: "\"") {
                    inString = false
                }
            } else if byte == UInt8(ascii: "\"") {
                inString = true
            } else if byte == UInt8(ascii: "{") || byte == UInt8(ascii: "[") {
                return true
            }
        }
        return false
    }

    private struct Scanner {
        let bytes: [UInt8]
        var index = 0

        func error(_ reason: String) -> JSONParseError {
            JSONParseError(reason: reason, offset: index)
        }

        mutating func skipWhitespace() {
            while index < bytes.count,
                bytes[index] == 0x20 || bytes[index] == 0x0A || bytes[index] == 0x0D || bytes[index] == 0x09
            {
                index += 1
            }
        }

        mutating func members() throws(JSONParseError) -> [(key: String, value: Range<Int>)] {
            skipWhitespace()
            guard index < bytes.count, bytes[index] == UInt8(ascii: "{") else { throw error("expected an object") }
            index += 1
            var result: [(key: String, value: Range<Int>)] = []
            skipWhitespace()
            if index < bytes.count, bytes[index] == UInt8(ascii: "}") { return result }
            while true {
                skipWhitespace()
                let keyRange = try skipString()
                let key: String
                if bytes[keyRange].contains(UInt8(ascii: "\\")) {
                    guard case .string(let decoded) = try JSONParser.parse(Array(bytes[keyRange])) else {
                        throw error("expected a key")
                    }
                    key = decoded
                } else {
                    key = String(decoding: bytes[(keyRange.lowerBound + 1)..<(keyRange.upperBound - 1)], as: UTF8.self)
                }
                skipWhitespace()
                guard index < bytes.count, bytes[index] == UInt8(ascii: ":") else { throw error("expected ':'") }
                index += 1
                skipWhitespace()
                let start = index
                try skipValue()
                result.append((key, start..<index))
                skipWhitespace()
                guard index < bytes.count else { throw error("unexpected end of input") }
                if bytes[index] == UInt8(ascii: ",") {
                    index += 1
                } else if bytes[index] == UInt8(ascii: "}") {
                    return result
                } else {
                    throw error("expected ',' or '}'")
                }
            }
        }

        /// Skips a string literal and returns its range, quotes included.
        mutating func skipString() throws(JSONParseError) -> Range<Int> {
            guard index < bytes.count, bytes[index] == UInt8(ascii: "\"") else { throw error("expected a string") }
            let start = index
            // Stored payloads are mostly string bytes: find each quote with `memchr`, and take the first
            // one not escaped, that is, after an even run of backslashes. No UTF-8 sequence holds either byte.
            let end = bytes.withUnsafeBufferPointer { buffer -> Int? in
                guard let base = buffer.baseAddress else { return nil }
                var position = start + 1
                while position < buffer.count {
                    guard let found = memchr(base + position, Int32(UInt8(ascii: "\"")), buffer.count - position)
                    else { return nil }
                    let quote = position + (UnsafeRawPointer(found) - UnsafeRawPointer(base + position))
                    var before = quote - 1
                    while before > start, base[before] == UInt8(ascii: "\\") { before -= 1 }
                    if (quote - 1 - before) % 2 == 0 { return quote + 1 }
                    position = quote + 1
                }
                return nil
            }
            guard let end else {
                index = bytes.count
                throw error("an unterminated string")
            }
            index = end
            return start..<end
        }

        mutating func skipValue() throws(JSONParseError) {
            guard index < bytes.count else { throw error("unexpected end of input") }
            switch bytes[index] {
            case UInt8(ascii: "\""):
                _ = try skipString()
            case UInt8(ascii: "{"), UInt8(ascii: "["):
                var depth = 0
                while index < bytes.count {
                    switch bytes[index] {
                    case UInt8(ascii: "\""):
                        _ = try skipString()
                        continue
                    case UInt8(ascii: "{"), UInt8(ascii: "["): depth += 1
                    case UInt8(ascii: "}"), UInt8(ascii: "]"):
                        depth -= 1
                        if depth == 0 {
                            index += 1
                            return
                        }
                    default: break
                    }
                    index += 1
                }
                throw error("an unterminated object or array")
            default:
                let start = index
                while index < bytes.count {
                    let byte = bytes[index]
                    if byte == UInt8(ascii: ",") || byte == UInt8(ascii: "}") || byte == UInt8(ascii: "]")
                        || byte == 0x20
                        || byte == 0x0A || byte == 0x0D || byte == 0x09
                    {
                        break
                    }
                    index += 1
                }
                guard index > start else { throw error("expected a value") }
            }
        }
    }
}
