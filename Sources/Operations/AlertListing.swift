import Alerts
public import Ledger
import Logging
public import ResolverConfiguration
import Staleness
public import Sweep

/// `list` and `check`: the ledger's alerts, each with what the sweep's one evaluator says of it now.
public struct AlertListing {
    /// The open ledger, read only.
    public let ledger: any LedgerBackend
    /// The evaluator, with the feed's liveness and, under `auto`, the Logz.io definitions.
    public let evaluator: AlertEvaluator
    /// Whether the relay has written heartbeats, so silence is observed silence.
    public var observesFeed: Bool { evaluator.feed != nil }

    /// Opens the ledger read only and prepares the evaluation at `now`. Under `stale_after: auto` or with
    /// evidence on, Logz.io is asked what the open alerts in `filter` need: `list` (`storesDefinitions`)
    /// keeps a fetch in the ledger's cache when the ledger exists, on either backend; `check` asks every
    /// account and stores nothing.
    public init(
        config: ResolverConfig, ledger location: LedgerLocation, filter: AlertFilter = AlertFilter(states: [.open]),
        now: Int64, context: OperationContext, storesDefinitions: Bool
    ) async throws(OperationError) {
        let ledger = try location.open(.readOnly)
        self.ledger = ledger
        let feed = try FeedReader.liveness(ledger)
        var keep: (any DefinitionCache)?
        if storesDefinitions, config.policy.usesAuto, location.exists, ((try? ledger.openSummary())?.open ?? 0) > 0 {
            // list never creates a ledger, nor a schema: it caches only in one that has open alerts.
            keep = try? location.openBackend(.readWrite())
        }
        let view = await LogzioView.load(
            config: config, ledger: ledger, filter: filter, now: now,
            purpose: storesDefinitions ? .decide(keep: keep) : .check, context: context)
        logzio = view
        evaluator = AlertEvaluator(
            policy: config.policy, feed: feed, auto: config.policy.usesAuto ? view.autoResolver(now: now) : nil,
            evidence: view.evidenceResolver(),
            extraFields: LogzioView.payloadFields(config, evidence: view.evidenceEnabled))
    }

    /// What this run learned from Logz.io.
    public let logzio: LogzioView

    /// Calls `body` with each alert in the filter and its evaluation at `now`.
    public func forEach(
        _ filter: AlertFilter, now: Int64, _ body: (LedgerAlert, AlertEvaluator.Evaluation) throws -> Void
    ) throws(OperationError) {
        do {
            try ledger.forEachAlert(filter) { alert in try body(alert, evaluator.evaluate(alert, now: now)) }
        } catch let error as OperationError {
            throw error
        } catch {
            throw .failed("\(error)")
        }
    }
}
