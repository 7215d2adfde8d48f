/// A failure that ends the command: one line on stderr and an exit code from SPEC.md.
struct CLIError: Error, CustomStringConvertible {
    /// The exit code.
    var code: Int32
    /// The message, one line (or several for import's bad lines).
    var message: String

    var description: String { message }

    static let failure: Int32 = 1
    static let usage: Int32 = 64
    static let dataError: Int32 = 65
    static let held: Int32 = 75
    static let config: Int32 = 78

    /// Exit 1: the work was not done this run (undelivered, unreachable, truncated); cron retries it.
    static func failed(_ message: String) -> CLIError { CLIError(code: failure, message: message) }
    static func usage(_ message: String) -> CLIError { CLIError(code: usage, message: message) }
    static func data(_ message: String) -> CLIError { CLIError(code: dataError, message: message) }
    static func config(_ message: String) -> CLIError { CLIError(code: config, message: message) }
}
