/// The status of a BigPanda alert event.
public enum AlertStatus: String, Sendable, CaseIterable {
    case ok
    case critical
    case warning
    case unknown
    case acknowledged

    /// Parses a status case-insensitively (`CRITICAL` is `critical`).
    public init?(parsing text: String) {
        self.init(rawValue: text.lowercased())
    }

    /// The accepted values, for messages.
    public static let acceptedList = allCases.map(\.rawValue).joined(separator: ", ")
}
