import Foundation

/// Parses one JSON object printed on stdout.
public func jsonObject(_ text: String) throws -> [String: Any] {
    guard let object = try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any] else {
        throw NotAJSONObject(text: text)
    }
    return object
}

/// Printed text that is JSON but not an object.
public struct NotAJSONObject: Error, CustomStringConvertible {
    /// The text.
    public var text: String

    public var description: String { "not a JSON object: \(text)" }
}
