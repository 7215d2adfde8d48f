/// A `stale_after` that `auto` derived from a Logz.io alert definition.
public struct AutoStaleAfter: Sendable, Equatable {
    /// The `stale_after`, in seconds.
    public var seconds: Int64
    /// How it was derived, e.g. `auto: Logz.io alert 123, time frame 15m, wait 1h → 3 × 1h + 2m`.
    public var source: String

    /// Creates a value.
    public init(seconds: Int64, source: String) {
        self.seconds = seconds
        self.source = source
    }
}
