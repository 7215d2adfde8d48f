/// The exit statuses SPEC.md gives a command.
public enum ExitStatus: Int32, Sendable {
    /// Done, including "nothing was stale".
    case success = 0
    /// The work was not done this run (undelivered, unreachable, truncated); cron tries again.
    case failure = 1
    /// Bad usage.
    case usage = 64
    /// Bad input data (`record`, `import`).
    case dataError = 65
    /// Held: another sweep has the work, or a safety limit stopped the run.
    case held = 75
    /// Bad configuration, including a missing token.
    case config = 78
}

/// A failure that ends a command: what to tell the operator (one line, or one per item) and its exit
/// status.
public struct OperationError: Error, Sendable, CustomStringConvertible {
    /// The exit status.
    public var status: ExitStatus
    /// The message: one line, or several (import's bad lines, the alerts a cleanup left open).
    public var message: String

    /// Creates an error.
    public init(_ status: ExitStatus, _ message: String) {
        self.status = status
        self.message = message
    }

    public var description: String { message }

    /// Exit 1: the work was not done this run; cron tries again.
    public static func failed(_ message: String) -> OperationError { OperationError(.failure, message) }
    /// Exit 64.
    public static func usage(_ message: String) -> OperationError { OperationError(.usage, message) }
    /// Exit 65.
    public static func data(_ message: String) -> OperationError { OperationError(.dataError, message) }
    /// Exit 75.
    public static func held(_ message: String) -> OperationError { OperationError(.held, message) }
    /// Exit 78.
    public static func config(_ message: String) -> OperationError { OperationError(.config, message) }
}
