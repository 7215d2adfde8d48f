public import Alerts
public import Logging

/// What every use case takes from the process: its environment, its clock, its logger, and where a
/// warning that is not a log line goes (stderr, redacted).
public struct OperationContext: Sendable {
    /// The process environment, read once.
    public var environment: [String: String]
    /// The wall clock, in epoch seconds.
    public var wallClock: WallClock
    /// The command's logger.
    public var logger: Logger
    /// Writes one warning line for the operator (a token file readable by others, a metrics file that
    /// could not be written).
    public var warn: @Sendable (String) -> Void

    /// Creates a context.
    public init(
        environment: [String: String], wallClock: @escaping WallClock, logger: Logger,
        warn: @escaping @Sendable (String) -> Void
    ) {
        self.environment = environment
        self.wallClock = wallClock
        self.logger = logger
        self.warn = warn
    }

    /// A period a test set in the environment (positive seconds, under a billion so it fits a `Duration`),
    /// or nil: production never sets these.
    public func testPeriod(_ name: String) -> Duration? {
        guard let text = environment[name], let seconds = Double(text), seconds > 0, seconds < 1e9 else { return nil }
        return .seconds(seconds)
    }
}
