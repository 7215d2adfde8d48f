/// The status of a BigPanda alert event.
public enum AlertStatus: String, Sendable, CaseIterable {
    case ok
    case critical
    case warning
    case unknown
    case acknowledged

    /// Parses a status case-insensitively in ASCII (`CRITICAL` is `critical`); Unicode case folding is
    /// not applied, so look-alike letters such as the Kelvin sign are refused.
    public init?(parsing text: String) {
        guard text.utf8.allSatisfy({ $0 < 0x80 }) else { return nil }
        self.init(rawValue: text.lowercased())
    }

    /// The accepted values, for messages.
    public static let acceptedList = allCases.map(\.rawValue).joined(separator: ", ")
}
