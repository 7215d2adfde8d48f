import Alerts
public import Ledger
import Logging
public import Logzio
import ResolverConfiguration
import Staleness

/// One Logz.io account's alert definitions for `stale_after: auto` in one run: fetched once, else the
/// ledger's cache within `logzio.cache_max_age`, else none (alerts take their fallback or are kept).
public struct AutoDefinitions: Sendable {
    /// The definitions that may be used, by id; empty when none are available.
    public var definitions: [Int64: AlertDefinition] = [:]
    /// Every id any fetch of the account has listed.
    public var everListed: Set<Int64> = []
    /// Whether definitions (fresh or cached) are available.
    public var available = false
    /// Why no fresh definitions were fetched, when a fetch was due and failed.
    public var failure: String?
    /// Whether Logz.io refused the token (401 or 403): `check` exits 78 for it.
    public var unauthorized = false
    /// Whether a fetch was attempted (and not only the cache read).
    public var fetched = false

    /// Creates definitions; none are available until some are set.
    public init() {}

    /// Loads the account's definitions for a run.
    ///
    /// - Parameters:
    ///   - client: the account's Logz.io client; nil when it has no token (the cache may still serve).
    ///   - cache: the ledger's cache to read, when it has one.
    ///   - store: where a successful fetch is kept (list and sweep); nil keeps nothing (check, dry runs).
    static func load(
        account: LogzioAccount, client: LogzioClient?, cache: (any DefinitionCache)?, store: (any DefinitionCache)?,
        maxAge: Duration, context: OperationContext
    ) async -> AutoDefinitions {
        var result = AutoDefinitions()
        let cached = try? cache?.cachedDefinitions(account: account.key)
        result.everListed = (try? cache?.everListedDefinitionIDs(account: account.key)) ?? []
        let wall = context.wallClock()
        var fresh: DefinitionList?
        if let client {
            result.fetched = true
            do {
                let list = try await client.fetchDefinitions()
                if list.definitions.isEmpty, let cached, cached.text != "[]" {
                    result.failure =
                        "\(account.label) answered an empty list of alert definitions while the ledger holds some"
                } else {
                    fresh = list
                }
            } catch {
                result.unauthorized = error.isUnauthorized
                result.failure = "cannot read \(account.label) alert definitions: \(error)"
            }
        } else {
            result.failure =
                account.listed == nil
                ? "no Logz.io API token (set LOGZIO_API_TOKEN, LOGZIO_API_TOKEN_FILE or logzio.token_file) for stale_after: auto"
                : "no API token for \(account.label)"
        }
        if let fresh {
            result.definitions = fresh.byID
            result.everListed.formUnion(fresh.ids)
            result.available = true
            if let store {
                do {
                    try store.storeDefinitions(
                        fresh.cacheText, ids: Array(fresh.ids), fetchedAt: wall, account: account.key)
                } catch {
                    context.logger.warning(
                        "cannot cache the Logz.io alert definitions", metadata: ["error": "\(error)"])
                }
            }
            return result
        }
        let age = cached.map { DurationText.format(max(0, wall - $0.fetchedAt)) } ?? "none"
        if let cached, wall - cached.fetchedAt <= maxAge.wholeSeconds,
            let list = try? DefinitionList(decoding: Array(cached.text.utf8))
        {
            result.definitions = list.byID
            result.available = true
            context.logger.warning(
                "using cached Logz.io alert definitions",
                metadata: [
                    "error": "\(result.failure ?? "")", "logzio.account": "\(account.key)",
                    "logzio.cache_age": "\(age)",
                ])
        } else {
            context.logger.warning(
                "no usable Logz.io alert definitions; alerts under auto rules take their fallback or are kept",
                metadata: [
                    "error": "\(result.failure ?? "")", "logzio.account": "\(account.key)",
                    "logzio.cache_age": "\(age)",
                ])
        }
        return result
    }

    /// The account's definitions the ledger cached, whatever their age, for a replay of the past (`backtest`).
    public static func cached(in ledger: (any DefinitionCache)?, account: String) -> AutoDefinitions {
        var result = AutoDefinitions()
        guard let ledger, let cached = try? ledger.cachedDefinitions(account: account),
            let list = try? DefinitionList(decoding: Array(cached.text.utf8))
        else {
            result.failure = "the ledger holds no Logz.io alert definitions (run list or sweep with a Logz.io token)"
            return result
        }
        result.definitions = list.byID
        result.everListed = (try? ledger.everListedDefinitionIDs(account: account)) ?? list.ids
        result.available = true
        return result
    }

    /// What `auto` gives an alert of this account whose payload names `id`, at `now`.
    func resolution(
        id: Int64?, idField: String, parameters: AutoParameters, triggersVerified: Bool, now: Int64
    ) -> AutoResolution {
        guard available else { return .undecided(reason: failure ?? "no Logz.io alert definitions are available") }
        return AutoResolution.decide(
            definitionID: id, idField: idField, definitions: definitions, everListed: everListed,
            parameters: parameters, triggersVerified: triggersVerified, now: now)
    }
}
