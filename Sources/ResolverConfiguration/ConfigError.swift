/// A configuration problem that names the file, line and key, and says how to fix it (exit 78).
public struct ConfigError: Error, Sendable, CustomStringConvertible {
    /// The config file, or nil for the environment or a flag.
    public var file: String?
    /// The 1-based line in the file, when known.
    public var line: Int?
    /// The key, e.g. `bigpanda.batch_size` or `rules[1].match`.
    public var key: String?
    /// What is wrong and what to do.
    public var message: String

    /// Creates an error.
    public init(file: String? = nil, line: Int? = nil, key: String? = nil, message: String) {
        self.file = file
        self.line = line
        self.key = key
        self.message = message
    }

    public var description: String {
        var location = ""
        if let file {
            location = file
            if let line { location += ":\(line)" }
            location += ": "
        }
        let keyText = key.map { "\($0): " } ?? ""
        return "\(location)\(keyText)\(message)"
    }
}
