/// A sample's labels, kept as the Prometheus label text the ledger stores and the expositions print
/// (`app_key="k",rule="default"`, without braces), but made only from the label names logzio-resolver
/// uses.
public struct MetricLabels: Sendable, Hashable, Comparable, CustomStringConvertible {
    /// The label names in use.
    public enum Name: String, Sendable {
        /// The BigPanda app key of the alerts counted.
        case appKey = "app_key"
        /// The staleness rule that applied.
        case rule
        /// An HTTP status.
        case code
        /// Why an alert was kept for a person (a `keep_when` hold).
        case reason
        /// A Logz.io account.
        case account
    }

    /// The label text without braces; empty for no labels.
    public let text: String

    /// No labels.
    public static let none = MetricLabels(stored: "")

    /// Labels from pairs, in order, with values escaped as Prometheus requires.
    public init(_ pairs: [(Name, String)]) {
        text = pairs.map { name, value in
            // Most values need no escaping: skip the three searches then.
            let plain = !value.utf8.contains { $0 == UInt8(ascii: "\\") || $0 == UInt8(ascii: "\"") || $0 == 10 }
            let escaped =
                plain
                ? value
                : value.replacing("\\", with: "\\\\").replacing("\"", with: "\\\"").replacing("\n", with: "\\n")
            return "\(name.rawValue)=\"\(escaped)\""
        }.joined(separator: ",")
    }

    /// Labels read back from where they were stored, as they were written.
    public init(stored text: String) {
        self.text = text
    }

    public var description: String { text }

    public static func < (lhs: MetricLabels, rhs: MetricLabels) -> Bool { lhs.text < rhs.text }
}
