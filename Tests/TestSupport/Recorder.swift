import Foundation

/// A value behind a lock, which server handler threads write into and the test reads.
public final class Recorder<Value: Sendable>: @unchecked Sendable {
    private let lock = NSLock()
    private var stored: Value

    /// A recorder holding `value`.
    public init(_ value: Value) {
        stored = value
    }

    /// The value now.
    public var value: Value {
        lock.withLock { stored }
    }

    /// Changes the value under the lock.
    public func update(_ change: (inout Value) -> Void) {
        lock.withLock { change(&stored) }
    }

    /// Runs `body` on the value under the lock and returns what it returns.
    public func withLock<Result>(_ body: (inout Value) throws -> Result) rethrows -> Result {
        try lock.withLock { try body(&stored) }
    }
}
