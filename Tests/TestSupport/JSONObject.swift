import Foundation
import Testing

/// Parses one JSON object printed on stdout.
public func jsonObject(_ text: String) throws -> [String: Any] {
    try #require(try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any])
}
