import Synchronization

/// Hides secrets in text: every occurrence of a secret, as is or as a JSON string escapes it, becomes
/// `<redacted>`. The one redactor behind `Secret`, the clients' error texts, stdout, stderr and the logger.
public final class Redactor: Sendable {
    /// What a secret is replaced with.
    public static let marker = "<redacted>"
    /// The redactor for everything this process writes; the CLI adds each token it reads.
    public static let shared = Redactor()
    /// Secrets shorter than this are not redacted: replacing them would mangle ordinary text.
    public static let minimumLength = 4

    private let secrets: Mutex<[String]>

    /// Creates a redactor that knows `secrets`.
    public init(_ secrets: [String] = []) {
        self.secrets = Mutex(Self.forms(of: secrets))
    }

    /// Adds a secret to redact from now on.
    public func add(_ secret: String) {
        let forms = Self.forms(of: [secret])
        guard !forms.isEmpty else { return }
        secrets.withLock { secrets in
            secrets = Self.longestFirst(secrets + forms)
        }
    }

    /// `text` with every known secret replaced by the marker, longest secret first.
    public func redact(_ text: String) -> String {
        secrets.withLock { secrets in
            secrets.reduce(text) { $0.replacing($1, with: Self.marker) }
        }
    }

    /// The secret as is and as a JSON string literal would escape it, without duplicates, longest first.
    static func forms(of secrets: [String]) -> [String] {
        var forms: [String] = []
        for secret in secrets where secret.count >= minimumLength {
            for form in [secret, jsonEscaped(secret)] where !forms.contains(form) { forms.append(form) }
        }
        return longestFirst(forms)
    }

    static func longestFirst(_ forms: [String]) -> [String] {
        var unique: [String] = []
        for form in forms where !unique.contains(form) { unique.append(form) }
        return unique.sorted { $0.utf8.count > $1.utf8.count }
    }

    /// How a JSON string escapes `text`: backslash, quote and the control characters.
    static func jsonEscaped(_ text: String) -> String {
        var escaped = ""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\"": escaped += "\\\""
            case "\\": escaped += "\\\\"
            case "\n": escaped += "\\n"
            case "\r": escaped += "\\r"
            case "\t": escaped += "\\t"
            case _ where scalar.value < 0x20:
                let hex = String(scalar.value, radix: 16)
                escaped += "\\u00" + (hex.count < 2 ? "0" + hex : hex)
            default: escaped.unicodeScalars.append(scalar)
            }
        }
        return escaped
    }
}
