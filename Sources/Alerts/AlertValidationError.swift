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
