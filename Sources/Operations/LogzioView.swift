import Alerts
import Curl
public import Ledger
import Logging
import Logzio
public import ResolverConfiguration
public import Staleness
import Synchronization

/// What one run knows of Logz.io, per account: the alert definitions `stale_after: auto` uses and, with
/// evidence on, what each account's trigger log showed. `list`, `sweep`, `check` and `backtest` decide
/// through the resolvers it makes.
public struct LogzioView: Sendable {
    /// What one account gave this run.
    public struct Account: Sendable {
        /// The account.
        public var account: LogzioAccount
        /// Its definitions; nil when no alert of the account needed them.
        public var definitions: AutoDefinitions?
        /// Its trigger log; nil when evidence is off or no alert of the account needed a search.
        public var evidence: TriggerEvidence?
        /// Whether the account has an API token (without one it gives no evidence at all).
        public var hasToken = false
    }

    /// The accounts this run asked, by key.
    public var accounts: [String: Account] = [:]
    /// Whether evidence is on.
    public var evidenceEnabled = false
    /// The payload field holding the definition id.
    let definitionField: String
    /// The payload field naming the account.
    let accountField: String
    /// The ids of `logzio.accounts`.
    let listed: Set<String>

    /// A view that has asked nothing yet.
    init(config: ResolverConfig) {
        definitionField = config.policy.definitionField
        accountField = config.accountField
        listed = Set(config.logzioAccounts.map(\.id))
    }

    /// The payload fields a decision reads besides the rules': the definition id and the account, when
    /// `auto` or evidence needs them.
    public static func payloadFields(_ config: ResolverConfig, evidence: Bool) -> Set<String> {
        guard config.policy.usesAuto || evidence else { return [] }
        return [config.policy.definitionField, config.accountField]
    }

    /// The account an alert's last payload belongs to, and its usable definition id.
    func locate(_ payload: JSONObject) -> (account: String, id: Int64?) {
        (
            LogzioAccount.key(of: payload, field: accountField, listed: listed),
            AlertDefinition.usableID(payload[definitionField])
        )
    }

    /// The resolver of `stale_after: auto` at `now`: the alert's account's definitions, with the trigger
    /// period for a definition its account's trigger log verified.
    public func autoResolver(now: Int64) -> AutoResolver {
        let memo = Memo()
        let view = self
        return { payload, parameters, evidence in
            let (account, id) = view.locate(payload)
            let key = Memo.Key(
                account: account, id: id, factor: parameters.factor, minimum: parameters.minimum,
                verified: evidence.isVerified)
            if let known = memo.value(key) { return known }
            let definitions = view.accounts[account]?.definitions ?? AutoDefinitions()
            let resolution = definitions.resolution(
                id: id, idField: view.definitionField, parameters: parameters, triggersVerified: evidence.isVerified,
                now: now)
            memo.set(key, resolution)
            return resolution
        }
    }

    /// The resolver of evidence; nil when evidence is off.
    public func evidenceResolver() -> EvidenceResolver? {
        guard evidenceEnabled else { return nil }
        let view = self
        return { payload in
            let (account, id) = view.locate(payload)
            guard let id else { return .none }
            // Not searched this run (nothing of the account could be stale): nothing verified it.
            guard let entry = view.accounts[account] else { return Evidence(state: .unverified, definitionID: id) }
            guard entry.hasToken else { return .none }
            return entry.evidence?.evidence(for: id) ?? Evidence(state: .unverified, definitionID: id)
        }
    }

    /// Searches that failed this run, one per account.
    public var evidenceFailures: Int {
        accounts.values.filter { $0.evidence?.failure != nil }.count
    }

    /// Definitions whose absence of triggers is not trusted this run, across accounts.
    public var unverifiedDefinitions: Int {
        accounts.values.reduce(0) { $0 + ($1.evidence?.unverified.count ?? 0) }
    }

    /// Whether some fetch of definitions failed (the run counts it once).
    public var definitionFetchFailed: Bool {
        accounts.values.contains { $0.definitions?.failure != nil }
    }

    /// Outcomes per account, definition, settings and verification: a schedule's gaps are worked out once
    /// per run.
    final class Memo: Sendable {
        struct Key: Hashable {
            var account: String
            var id: Int64?
            var factor: Double
            var minimum: Duration
            var verified: Bool
        }

        private let values = Mutex<[Key: AutoResolution]>([:])

        func value(_ key: Key) -> AutoResolution? { values.withLock { $0[key] } }
        func set(_ key: Key, _ value: AutoResolution) { values.withLock { $0[key] = value } }
    }

    /// The definitions the ledger cached for each account of the config, whatever their age, for a replay
    /// of the past (`backtest`); no evidence (the ledger holds no trigger history).
    public static func cached(config: ResolverConfig, ledger: any DefinitionCache) -> LogzioView {
        var view = LogzioView(config: config)
        for account in LogzioAccount.all(config) {
            view.accounts[account.key] = Account(
                account: account, definitions: AutoDefinitions.cached(in: ledger, account: account.key))
        }
        return view
    }
}
