/// The wall clock the commands inject: now, in epoch seconds. Tests pass a fixed one.
///
/// Sweep, reconcile and the relay read it to stamp and compare instants as the ledger stores them.
public typealias WallClock = @Sendable () -> Int64
