public import Alerts
public import BigPanda
public import Ledger
public import Logging
public import Reconcile
public import Staleness
public import Sweep

/// The one-shot cleanup before an uninstall, shared by `sweep --all --verify` and `demo`: reconcile with
/// adoption (so alerts the ledger never saw are in scope), `sweep --all` (an `ok` for each, by id for
/// adopted ones), then search BigPanda until nothing in scope is active.
public struct Cleanup {
    /// The ledger, open for writing unless a dry run.
    public var ledger: any LedgerBackend
    /// BigPanda's Incidents API.
    public var incidents: any IncidentsAPI
    /// BigPanda's Alerts API; nil only for a dry run.
    public var sender: (any AlertsSender)?
    /// The scope: a glob on BigPanda's `source_system`.
    public var scope: GlobPattern
    /// Extra BPQL narrowing the searches.
    public var incidentQuery: String?
    /// `bigpanda.close_grace`, for reconcile's classes.
    public var closeGrace: Duration = .seconds(120)
    /// The sweep's options; `all` is set whatever they say.
    public var sweepOptions: SweepOptions
    /// When the feed was observed alive, for the sweep's reasons.
    public var feed: FeedLiveness?
    /// The wait before the first search and between searches (10 s).
    public var verifyInterval: Duration = .seconds(10)
    /// How long verification keeps searching, from its first search (`--verify-timeout`, default 5m).
    public var verifyTimeout: Duration = .seconds(300)
    /// What people set in BigPanda keeps open, and the comments on closes; nil leaves both out.
    public var people: PeopleSettings?
    /// The sweep's stop check (SIGTERM).
    public var stopRequested: @Sendable () -> Bool = { false }
    /// Called after each batch the sweep recorded.
    public var onProgress: ((_ done: Int, _ total: Int) -> Void)?
    /// The logger.
    public var logger: Logger
    /// The wall clock.
    public var wallClock: WallClock

    /// What each step found and did.
    public struct Result: Sendable {
        /// Step 1: reconcile with adoption.
        public var reconciled: ReconcileReport
        /// Step 2: `sweep --all`.
        public var swept: SweepReport
        /// Step 3: verification; nil for a dry run, which searches nothing after the plan.
        public var verification: Verifier.Result?
    }

    /// Creates a cleanup.
    public init(
        ledger: any LedgerBackend, incidents: any IncidentsAPI, sender: (any AlertsSender)?, scope: GlobPattern,
        sweepOptions: SweepOptions, logger: Logger, wallClock: @escaping WallClock
    ) {
        self.ledger = ledger
        self.incidents = incidents
        self.sender = sender
        self.scope = scope
        self.sweepOptions = sweepOptions
        self.logger = logger
        self.wallClock = wallClock
    }

    /// Runs the three steps. A dry run plans the first two and stops.
    public func run() async throws(OperationError) -> Result {
        let dryRun = sweepOptions.dryRun
        var reconcileOptions = ReconcileOptions(sourceSystem: scope)
        reconcileOptions.incidentQuery = incidentQuery
        reconcileOptions.adopt = true
        reconcileOptions.dryRun = dryRun
        // The uninstall cleanup closes everything, as sweep --all does: no blast-radius hold.
        reconcileOptions.force = true
        reconcileOptions.closeGrace = closeGrace
        let reconciled = try await Self.reconcile(
            Reconciler(
                ledger: ledger, incidents: incidents, options: reconcileOptions, logger: logger, wallClock: wallClock))

        var options = sweepOptions
        options.all = true
        let sweeper = Sweeper(
            ledger: ledger, options: options, client: sender, logger: logger, feed: feed, wallClock: wallClock)
        sweeper.incidents = incidents
        sweeper.people = people
        sweeper.stopRequested = stopRequested
        sweeper.onProgress = onProgress
        let swept = try await SweepRun.run(sweeper)
        guard !dryRun else { return Result(reconciled: reconciled, swept: swept, verification: nil) }

        let verifier = Verifier(
            ledger: ledger, incidents: incidents, sourceSystem: scope, incidentQuery: incidentQuery, logger: logger,
            wallClock: wallClock)
        for action in swept.actions {
            guard let hold = action.heldBy, let id = action.bigPandaAlertID else { continue }
            verifier.held[id] = "\(hold.rawValue): \(action.reason)"
        }
        verifier.interval = verifyInterval
        verifier.timeout = verifyTimeout
        let verification: Verifier.Result
        do {
            verification = try await verifier.run()
        } catch let error as IncidentsError {
            throw OperationError(error)
        } catch {
            throw .failed("\(error)")
        }
        return Result(reconciled: reconciled, swept: swept, verification: verification)
    }

    /// Runs a reconcile, with BigPanda's refusals as exit 78 and other failures as exit 1.
    static func reconcile(_ reconciler: Reconciler) async throws(OperationError) -> ReconcileReport {
        do {
            return try await reconciler.run()
        } catch let error as IncidentsError {
            throw OperationError(error)
        } catch {
            throw .failed("\(error)")
        }
    }
}

extension Cleanup.Result {
    /// The exit status of a cleanup that sent: 0 only when BigPanda shows nothing active in scope, else
    /// exit 1 naming each alert still active. Undelivered `ok`s only warn once BigPanda's view is clean.
    public func failure(verifyTimeout: Duration) -> OperationError? {
        guard let verification, !verification.verified else { return nil }
        var lines = swept.errors + reconciled.errors + verification.errors
        for alert in verification.stillActive {
            let held = alert.heldBy.map { ", held by a person: \($0)" } ?? ""
            lines.append(
                "still active in BigPanda: \(alert.identity) (alert \(alert.bigPandaAlertID), incident \(alert.incidentID))\(held)"
            )
        }
        if verification.truncated {
            lines.append("BigPanda's search was truncated, so zero active alerts could not be verified")
        }
        let count = verification.stillActive.count
        lines.append(
            "\(count) alert\(count == 1 ? " is" : "s are") still active in BigPanda after \(DurationText.format(verifyTimeout.wholeSeconds)); see the README, \"Cleaning up before uninstalling\""
        )
        return .failed(lines.joined(separator: "\n"))
    }
}
