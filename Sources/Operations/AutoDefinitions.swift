import Alerts
import BigPanda
import Curl
public import Ledger
public import Logging
public import Logzio
import Redaction
public import ResolverConfiguration
public import Staleness
import Synchronization

/// The Logz.io alert definitions a run uses for `stale_after: auto`: fetched once, else the ledger's
/// cache within `logzio.cache_max_age`, else none (alerts take their fallback or are kept).
public struct AutoDefinitions: Sendable {
    /// The definitions that may be used, by id; empty when none are available.
    public var definitions: [Int64: AlertDefinition] = [:]
    /// Every id any fetch has listed.
    public var everListed: Set<Int64> = []
    /// Whether definitions (fresh or cached) are available.
    public var available = false
    /// Why no fresh definitions were fetched, when a fetch was due and failed.
    public var failure: String?
    /// Whether Logz.io refused the token (401 or 403): `check` exits 78 for it.
    public var unauthorized = false
    /// Whether a fetch was attempted (and not only the cache read).
    public var fetched = false

    /// Loads the definitions for a run.
    ///
    /// - Parameters:
    ///   - needed: whether to fetch at all (an auto rule, and for list and sweep, open alerts).
    ///   - cache: the ledger's cache to read, when it has one.
    ///   - store: keeps a successful fetch in the ledger (list and sweep); nil stores nothing (check).
    public static func load(
        config: ResolverConfig, needed: Bool, cache: (any DefinitionCache)?,
        store: ((_ list: DefinitionList, _ fetchedAt: Int64) -> Void)?, context: OperationContext
    ) async -> AutoDefinitions {
        let logger = context.logger
        var result = AutoDefinitions()
        guard needed, config.policy.usesAuto else { return result }
        let cached = try? cache?.cachedDefinitions()
        result.everListed = (try? cache?.everListedDefinitionIDs()) ?? []
        let wall = context.wallClock()
        var fresh: DefinitionList?
        do {
            let token = try TokenSource.logzioToken(
                config: config, environment: context.environment, warn: context.warn)
            if let token {
                Redactor.shared.add(token.value)
                result.fetched = true
                let curl = try CurlClient.started(caFile: config.caFile)
                defer { curl.shutdown() }
                let client = LogzioClient(
                    options: LogzioClientOptions(
                        apiURL: config.logzioAPIURL, token: token, timeout: config.timeout),
                    curl: curl, logger: logger)
                do {
                    let list = try await client.fetchDefinitions()
                    if list.definitions.isEmpty, let cached, cached.text != "[]" {
                        result.failure =
                            "Logz.io answered an empty list of alert definitions while the ledger holds some"
                    } else {
                        fresh = list
                    }
                } catch {
                    result.unauthorized = error.isUnauthorized
                    result.failure = "cannot read Logz.io alert definitions: \(error)"
                }
            } else {
                result.failure =
                    "no Logz.io API token (set LOGZIO_API_TOKEN, LOGZIO_API_TOKEN_FILE or logzio.token_file) for stale_after: auto"
            }
        } catch {
            result.failure = "cannot read Logz.io alert definitions: \(error)"
        }
        if let fresh {
            result.definitions = fresh.byID
            result.everListed.formUnion(fresh.ids)
            result.available = true
            store?(fresh, wall)
            return result
        }
        if let cached, wall - cached.fetchedAt <= config.logzioCacheMaxAge.wholeSeconds,
            let list = try? DefinitionList(decoding: Array(cached.text.utf8))
        {
            result.definitions = list.byID
            result.available = true
            logger.warning(
                "using cached Logz.io alert definitions",
                metadata: [
                    "error": "\(result.failure ?? "")",
                    "logzio.cache_age": "\(DurationText.format(max(0, wall - cached.fetchedAt)))",
                ])
        } else {
            logger.warning(
                "no usable Logz.io alert definitions; alerts under auto rules take their fallback or are kept",
                metadata: [
                    "error": "\(result.failure ?? "")",
                    "logzio.cache_age": "\(cached.map { DurationText.format(max(0, wall - $0.fetchedAt)) } ?? "none")",
                ])
        }
        return result
    }

    /// Creates definitions; none are available until some are set.
    public init() {}

    /// The definitions the ledger cached, whatever their age, for a replay of the past (`backtest`).
    public static func cached(in ledger: (any DefinitionCache)?, now: Int64) -> AutoDefinitions {
        var result = AutoDefinitions()
        guard let ledger, let cached = try? ledger.cachedDefinitions(),
            let list = try? DefinitionList(decoding: Array(cached.text.utf8))
        else {
            result.failure = "the ledger holds no Logz.io alert definitions (run list or sweep with a Logz.io token)"
            return result
        }
        result.definitions = list.byID
        result.everListed = (try? ledger.everListedDefinitionIDs()) ?? list.ids
        result.available = true
        return result
    }

    /// A store that keeps a fetch in `ledger`'s cache; a failure is a warning, never fatal.
    public static func storing(into ledger: any DefinitionCache, logger: Logger) -> (DefinitionList, Int64) -> Void {
        { list, fetchedAt in
            do {
                try ledger.storeDefinitions(list.cacheText, ids: Array(list.ids), fetchedAt: fetchedAt)
            } catch {
                logger.warning("cannot cache the Logz.io alert definitions", metadata: ["error": "\(error)"])
            }
        }
    }

    /// The resolver the staleness rules call for an alert under `stale_after: auto`, at `now`.
    public func resolver(definitionField: String, now: Int64) -> AutoResolver {
        let memo = Memo()
        let definitions = definitions
        let everListed = everListed
        let available = available
        let failure = failure ?? "no Logz.io alert definitions are available"
        return { payload, parameters in
            guard available else { return .undecided(reason: failure) }
            let id = AlertDefinition.usableID(payload[definitionField])
            let key = Memo.Key(id: id, factor: parameters.factor, minimum: parameters.minimum)
            if let known = memo.value(key) { return known }
            let resolution = AutoResolution.decide(
                definitionID: id, idField: definitionField, definitions: definitions, everListed: everListed,
                parameters: parameters, now: now)
            memo.set(key, resolution)
            return resolution
        }
    }

    /// Outcomes per definition and settings: a schedule's gaps are worked out once per run.
    final class Memo: Sendable {
        struct Key: Hashable {
            var id: Int64?
            var factor: Double
            var minimum: Duration
        }

        private let values = Mutex<[Key: AutoResolution]>([:])

        func value(_ key: Key) -> AutoResolution? { values.withLock { $0[key] } }
        func set(_ key: Key, _ value: AutoResolution) { values.withLock { $0[key] = value } }
    }
}
