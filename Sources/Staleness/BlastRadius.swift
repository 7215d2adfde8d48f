/// The safety limits on how much one run may close (`max_resolves_per_run`, `max_resolve_fraction`): a
/// sweep's stale alerts against its open ones, and reconcile's drift against BigPanda's active alerts.
public struct BlastRadius: Sendable, Equatable {
    /// Hold when a run would close more than this many alerts (`max_resolves_per_run`, default 500).
    public var maxResolvesPerRun: Int
    /// Hold when at least `fractionFloor` alerts are in scope and more than this fraction would close
    /// (`max_resolve_fraction`, default 0.5).
    public var maxResolveFraction: Double

    /// Below this many alerts in scope the fraction does not hold a run: closing 3 of 4 is no storm.
    public static let fractionFloor = 20

    /// Creates limits with SPEC.md's defaults.
    public init(maxResolvesPerRun: Int = 500, maxResolveFraction: Double = 0.5) {
        self.maxResolvesPerRun = maxResolvesPerRun
        self.maxResolveFraction = maxResolveFraction
    }

    /// What a run is closing, in the words its hold reason uses.
    public enum Subject: Sendable {
        /// A sweep: stale alerts of the open ones; the operator checks the feed.
        case staleOfOpen
        /// Reconcile: drifted alerts of BigPanda's active ones; the operator checks BigPanda.
        case driftOfActive
    }

    /// A reason to hold a run that would close `closing` of `total` alerts, or nil when it may go on.
    public func holdReason(closing: Int, of total: Int, _ subject: Subject) -> String? {
        let (many, some, check) =
            switch subject {
            case .staleOfOpen: ("stale alerts", "open alerts are stale", "the feed")
            case .driftOfActive: ("drifted alerts", "active alerts drifted", "BigPanda")
            }
        if closing > maxResolvesPerRun {
            return
                "\(closing) \(many) is more than max_resolves_per_run (\(maxResolvesPerRun)); check \(check), then rerun with --force"
        }
        if total >= Self.fractionFloor, Double(closing) > maxResolveFraction * Double(total) {
            return
                "\(closing) of \(total) \(some), more than max_resolve_fraction (\(maxResolveFraction)); check \(check), then rerun with --force"
        }
        return nil
    }
}
