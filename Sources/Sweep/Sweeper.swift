public import Alerts
public import BigPanda
public import Ledger
public import Logging
public import Staleness

/// One sweep, in stages over values: select (the open alerts in scope and their decisions), plan
/// (holds, batches per app key), deliver (through an `AlertsSender`, or by id through an
/// `IncidentsAPI`), record (fenced outcomes and the audit trail).
///
/// The ledger is only touched from the calling task; child tasks only carry request bytes.
public final class Sweeper {
    let ledger: any LedgerStore & ReconcileStore
    let options: SweepOptions
    let client: (any AlertsSender)?
    let logger: Logger
    let wallClock: WallClock
    let feed: FeedLiveness?

    /// Whether the sweep was asked to stop (SIGTERM): no new batch starts, and what was in flight is
    /// recorded. The command passes its signal flag; tests pass their own.
    public var stopRequested: @Sendable () -> Bool = { false }

    /// Why batches were not sent, or not retried, after SIGTERM or SIGINT; the BigPanda client is given
    /// it too, so a batch it did not send reads the same.
    public static let stoppedBySignal = "the sweep was stopped by a signal"

    /// Called after each batch is recorded with the alerts done so far and the total to send.
    public var onProgress: ((_ done: Int, _ total: Int) -> Void)?

    /// Resolves `stale_after: auto` from the Logz.io definitions; nil when none are available.
    public var auto: AutoResolver?

    /// What Logz.io's trigger log says of an alert's definition; nil when evidence is off.
    public var evidence: EvidenceResolver?

    /// Payload fields `auto` and evidence read besides the rules' (the definition id, the account).
    public var payloadFields: Set<String> = []

    /// What people set in BigPanda keeps open, and the comments on closes; nil when the Incidents API is
    /// not configured.
    public var people: PeopleSettings?

    /// The Incidents API client that closes adopted alerts by id, whose app key is unknown.
    public var incidents: (any IncidentsAPI)?
    /// Why adopted alerts cannot be closed this run (no user API key or environment), when `incidents` is nil.
    public var byIDUnavailable =
        "closing an adopted alert needs BigPanda's user API key (BIGPANDA_API_KEY) and bigpanda.environment_id"

    /// Creates a sweep. `client` may be nil only for a dry run.
    public init(
        ledger: any LedgerStore & ReconcileStore,
        options: SweepOptions,
        client: (any AlertsSender)?,
        logger: Logger,
        feed: FeedLiveness? = nil,
        wallClock: @escaping WallClock
    ) {
        self.ledger = ledger
        self.options = options
        self.client = client
        self.logger = logger
        self.feed = feed
        self.wallClock = wallClock
    }

    /// Runs the sweep. Throws `SweepError.busy` when another sweep holds the claim, or a ledger error.
    public func run() async throws -> SweepReport {
        var claim: (any SweepClaim)?
        if !options.dryRun {
            guard let taken = try ledger.claimSweep() else { throw SweepError.busy(location: ledger.location) }
            claim = taken
        }
        defer { claim?.release() }

        var (report, candidates) = try select()
        report.stale = candidates.count
        logger.info(
            "sweep selected alerts", metadata: ["sweep.open": "\(report.open)", "sweep.stale": "\(report.stale)"])

        if !options.all, !options.force,
            let reason = options.blastRadius.holdReason(closing: report.stale, of: report.open, .staleOfOpen)
        {
            report.holdReason = reason
            report.held = candidates.count
            for candidate in candidates {
                report.actions.append(action(candidate, .held, reason: "\(candidate.reason); held: \(reason)"))
            }
            return report
        }
        if let people, let incidents, !candidates.isEmpty {
            candidates = try await consultPeople(candidates, people: people, incidents: incidents, into: &report)
        }
        if options.dryRun {
            for candidate in candidates { report.actions.append(action(candidate, .wouldResolve)) }
            return report
        }
        let byID = candidates.filter(\.adopted)
        let byOK = candidates.filter { !$0.adopted }
        if let client, !byOK.isEmpty {
            try await deliver(byOK, client: client, into: &report)
        }
        if !byID.isEmpty {
            try await close(byID, into: &report)
        }
        if let people, let incidents, people.commentOnClose {
            await comment(on: candidates, people: people, incidents: incidents, into: &report)
        }
        // What a person held this run, for list's held_by; the holds of earlier runs are cleared.
        var held: [Int64: String] = [:]
        for action in report.actions {
            if let hold = action.heldBy, let id = action.alertID { held[id] = hold.rawValue }
        }
        do {
            try ledger.recordHolds(held, appKey: options.appKey)
        } catch {
            // The closes are recorded; only list's held_by is out of date until the next sweep.
            logger.warning("cannot record the holds people set", metadata: ["error": "\(error)"])
        }
        return report
    }
}
