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

    /// Opens the ledger read only and prepares the evaluation at `now`. Under `stale_after: auto` with open
    /// alerts, the Logz.io definitions are fetched (`check` always fetches and stores nothing); `list`
    /// keeps a fetch in the ledger's cache when the ledger exists, on either backend.
    public init(
        config: ResolverConfig, ledger location: LedgerLocation, now: Int64, context: OperationContext,
        storesDefinitions: Bool
    ) async throws(OperationError) {
        let ledger = try location.open(.readOnly)
        self.ledger = ledger
        let feed = try FeedReader.liveness(ledger)
        var auto: AutoResolver?
        if config.policy.usesAuto {
            let definitions = await Self.definitions(
                config: config, ledger: ledger, location: location, context: context, storing: storesDefinitions)
            auto = definitions.resolver(definitionField: config.policy.definitionField, now: now)
            self.definitions = definitions
        }
        evaluator = AlertEvaluator(policy: config.policy, feed: feed, auto: auto)
    }

    /// The definitions `auto` used, when a rule is auto.
    public private(set) var definitions: AutoDefinitions?

    private static func definitions(
        config: ResolverConfig, ledger: any LedgerBackend, location: LedgerLocation, context: OperationContext,
        storing: Bool
    ) async -> AutoDefinitions {
        guard storing else {
            // check reads Logz.io whenever a rule is auto, to catch a bad token early, and stores nothing.
            return await AutoDefinitions.load(config: config, needed: true, cache: ledger, store: nil, context: context)
        }
        let hasOpen = ((try? ledger.openSummary())?.open ?? 0) > 0
        // list never creates a ledger: it caches only in one that is there.
        let writable = hasOpen && location.exists ? try? location.openBackend(.readWrite()) : nil
        return await AutoDefinitions.load(
            config: config, needed: hasOpen, cache: ledger,
            store: writable.map { AutoDefinitions.storing(into: $0, logger: context.logger) }, context: context)
    }

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
