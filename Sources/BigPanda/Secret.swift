/// A token that never prints: its description is `<redacted>`.
public struct Secret: Sendable, Equatable, CustomStringConvertible, CustomDebugStringConvertible {
    /// The secret text; read it only where it is used (the Authorization header).
    public let value: String

    /// Wraps a secret.
    public init(_ value: String) {
        self.value = value
    }

    public var description: String { "<redacted>" }
    public var debugDescription: String { "<redacted>" }

    /// `text` with every occurrence of the secret replaced by `<redacted>`.
    public func redact(_ text: String) -> String {
        guard value.count >= 4 else { return text }
        return text.replacing(value, with: "<redacted>")
    }
}
