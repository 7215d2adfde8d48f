/// A token that never prints: its description is `<redacted>`.
public struct Secret: Sendable, Equatable, CustomStringConvertible, CustomDebugStringConvertible {
    /// The secret text; read it only where it is used (the Authorization header).
    public let value: String

    /// Wraps a secret.
    public init(_ value: String) {
        self.value = value
    }

    /// The redaction marker, never the secret.
    public var description: String { Redactor.marker }
    /// The redaction marker, never the secret.
    public var debugDescription: String { Redactor.marker }

    /// `text` with every occurrence of the secret replaced by `<redacted>`.
    public func redact(_ text: String) -> String {
        Redactor([value]).redact(text)
    }
}
