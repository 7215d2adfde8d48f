/// Why the metrics file could not be written.
public struct MetricsFileError: Error, Sendable, CustomStringConvertible {
    /// The metrics file.
    public var path: String
    /// The system's reason.
    public var reason: String

    /// The message for the log and stderr.
    public var description: String {
        "cannot write the metrics file \(path): \(reason); check the directory exists and is writable"
    }
}
