import Alerts
public import Backtest
import Ledger
public import ResolverConfiguration
import Staleness

/// `backtest`: replays the ledger's history under one or more policies, reading it once, on either
/// backend.
public enum BacktestRun {
    /// Replays each policy over one read of the history and returns their reports in the same order.
    /// The ledger is read as it is at one moment (`LedgerLocation.withSnapshot`).
    public static func replay(_ configs: [ResolverConfig], ledger: LedgerLocation, window: ReplayWindow)
        throws(OperationError) -> [ReplayReport]
    {
        do {
            return try ledger.withSnapshot { backend in try replay(configs, ledger: backend, window: window) }
        } catch let error as OperationError {
            throw error
        } catch let error as LedgerOpenError {
            throw OperationError(opening: error)
        } catch {
            throw .failed("\(error)")
        }
    }

    private static func replay(_ configs: [ResolverConfig], ledger: any LedgerBackend, window: ReplayWindow)
        throws -> [ReplayReport]
    {
        let feed = try FeedReader.liveness(ledger)
        // stale_after: auto replays with the definitions the ledger cached per account (backtest fetches
        // nothing, and replays without evidence: the ledger holds no trigger history), evaluated at the end
        // of the window.
        var replays = configs.map { config in
            Replay(
                policy: config.policy, feed: feed, window: window,
                auto: config.policy.usesAuto
                    ? LogzioView.cached(config: config, ledger: ledger).autoResolver(now: window.now) : nil,
                extraFields: LogzioView.payloadFields(config, evidence: false))
        }
        // One read of the history feeds every replay; only the fields some rule reads are decoded.
        let fields = replays.reduce(into: Set<String>()) { $0.formUnion($1.matchFields) }
        try ledger.forEachEvent(since: window.start) { event in
            var payload = JSONObject()
            if !event.isOK, !fields.isEmpty {
                // A payload that cannot be read matches no rule, so the default rule takes it.
                payload = (try? RawJSONObject(Array(event.payloadText.utf8)).subset(fields)) ?? JSONObject()
            }
            for index in replays.indices {
                replays[index].add(
                    alert: event.alertID, receivedAt: event.receivedAt, isOK: event.isOK, payload: payload)
            }
        }
        return replays.indices.map { replays[$0].finish() }
    }
}
