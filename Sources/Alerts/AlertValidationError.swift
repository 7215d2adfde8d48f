/// Why a payload is not an acceptable alert, naming the field at fault.
public struct AlertValidationError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The field at fault, or empty when the payload as a whole is wrong.
    public var field: String
    /// What is wrong and how to fix it.
    public var reason: String

    /// Creates an error.
    public init(field: String, reason: String) {
        self.field = field
        self.reason = reason
    }

    public var description: String { field.isEmpty ? reason : "\(field): \(reason)" }
}

/// Text from input, quoted for an error message: JSON string escaping (and DEL escaped too), so one
/// error stays on one line and input cannot forge another.
func quotedForMessage(_ text: String) -> String {
    JSONValue.string(text).serialized().replacing("\u{7F}", with: "\\u007f")
}
