/// How one request's delivery ended, after any retries.
public struct DeliveryResult: Sendable, Equatable {
    /// The kind of ending.
    public enum Outcome: Sendable, Equatable {
        /// A 2xx.
        case delivered
        /// Not delivered this run: retries ran out against the deadline, or sending was stopped.
        case failed
        /// A 4xx other than 401, 403, 408 and 429.
        case permanent
        /// 401 or 403: the token was refused, and the client sends nothing more this run.
        case unauthorized
    }

    /// The ending.
    public var outcome: Outcome
    /// The last HTTP status, if any answer came.
    public var httpStatus: Int?
    /// Requests made, 0 when it was never sent.
    public var attempts: Int
    /// BigPanda's error text or the network error, when not delivered.
    public var message: String?

    /// Creates a result.
    public init(outcome: Outcome, httpStatus: Int?, attempts: Int, message: String?) {
        self.outcome = outcome
        self.httpStatus = httpStatus
        self.attempts = attempts
        self.message = message
    }
}
