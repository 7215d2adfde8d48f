public import Staleness

/// What one reconcile covers and how it may act.
public struct ReconcileOptions: Sendable {
    /// The scope: a glob on BigPanda's `source_system`.
    public var sourceSystem: GlobPattern
    /// Extra BPQL narrowing the search; when set, absence from the results proves nothing.
    public var incidentQuery: String?
    /// Record untracked alerts as adopted (`--adopt`).
    public var adopt = false
    /// Decide and report, but change nothing (`--dry-run`).
    public var dryRun = false
    /// Lift the blast-radius hold (`--force`); `sweep --all --verify` sets it too.
    public var force = false
    /// The span after our close during which a still-active alert is pending, not drift.
    public var closeGrace: Duration = .seconds(120)
    /// The limits on the drift one run closes, counted against BigPanda's active alerts.
    public var blastRadius = BlastRadius()

    /// Creates options.
    public init(sourceSystem: GlobPattern) {
        self.sourceSystem = sourceSystem
    }
}
