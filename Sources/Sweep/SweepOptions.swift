public import Staleness

/// What one sweep covers and how it may act.
public struct SweepOptions: Sendable {
    /// Close every open alert in scope, ignoring the rules (`--all`).
    public var all = false
    /// Only this app key (`--app-key`).
    public var appKey: String?
    /// The time the rules are evaluated at, in epoch seconds (`--now`, else the wall clock).
    public var now: Int64
    /// Decide and report, but send and write nothing (`--dry-run`).
    public var dryRun = false
    /// Lift the blast-radius hold for this run (`--force`).
    public var force = false
    /// The staleness rules.
    public var policy: StalenessPolicy
    /// The most alerts in one request.
    public var batchSize = 100
    /// The most requests in flight.
    public var maxInFlight = 4
    /// The limits on the stale alerts one run closes, counted against the open ones in scope.
    public var blastRadius = BlastRadius()
    /// Whether the report lists the alerts kept open (for `--json` and `--dry-run`). Without them the
    /// sweep reads only the alerts that can be stale, and counts the rest.
    public var reportKept = true

    /// Creates options.
    public init(now: Int64, policy: StalenessPolicy) {
        self.now = now
        self.policy = policy
    }
}

/// Why a sweep could not run at all.
public enum SweepError: Error, Sendable, CustomStringConvertible {
    /// Another sweep holds the claim (exit 75).
    case busy(location: String)

    public var description: String {
        switch self {
        case .busy(let location):
            "another sweep is running on \(location); this run did nothing and the next one will pick up the work"
        }
    }
}
