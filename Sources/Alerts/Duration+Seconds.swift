extension Duration {
    /// This span in seconds, fractions included, as logs, metrics and JSON print it (`1.5` for 1500 ms).
    public var inSeconds: Double {
        let (seconds, attoseconds) = components
        return Double(seconds) + Double(attoseconds) / 1e18
    }

    /// This span in whole seconds, a fraction dropped (toward zero), for arithmetic with epoch-second
    /// instants, SQL and `DurationText`.
    public var wholeSeconds: Int64 { components.seconds }
}
