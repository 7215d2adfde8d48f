import Alerts
import Curl
public import Ledger
import Logging
import Logzio
public import ResolverConfiguration
import Staleness

extension LogzioView {
    /// Which run asks, and so what it fetches, searches and keeps.
    public enum Purpose: Equatable {
        /// `list` and `sweep`: definitions when an open alert under `auto` names one; a search for the
        /// definitions of the open alerts that could be stale with evidence. `keep` stores a fetch in the
        /// ledger's cache.
        case decide(keep: (any DefinitionCache)?)
        /// `check`: every account's definitions whenever a rule is `auto`, to catch a bad token early, and a
        /// search for every definition with a notification in the last 24 h; nothing is stored.
        case check

        public static func == (lhs: Purpose, rhs: Purpose) -> Bool {
            switch (lhs, rhs) {
            case (.check, .check): true
            case (.decide(let left), .decide(let right)): (left == nil) == (right == nil)
            default: false
            }
        }
    }

    /// What the open alerts ask of each account, from one pass over them.
    struct Needs {
        /// Accounts whose definitions `auto` needs.
        var definitions: Set<String> = []
        /// Per account, the definitions to search, each with the latest notification the ledger has for it.
        var searches: [String: [Int64: Int64]] = [:]
    }

    /// Loads what a run needs at `now` from Logz.io for the open alerts of `ledger` in `filter`. Each
    /// account is asked at most once (a fetch, a search); one account's failure leaves the others alone.
    public static func load(
        config: ResolverConfig, ledger: any LedgerBackend, filter: AlertFilter, now: Int64, purpose: Purpose,
        context: OperationContext
    ) async -> LogzioView {
        var view = LogzioView(config: config)
        view.evidenceEnabled = config.evidenceEnabled(environment: context.environment)
        guard config.policy.usesAuto || view.evidenceEnabled else { return view }
        var needs = view.needs(config: config, ledger: ledger, filter: filter, now: now, purpose: purpose)
        if purpose == .check, config.policy.usesAuto {
            needs.definitions.formUnion(LogzioAccount.all(config).map(\.key))
        }
        let asked = needs.definitions.union(needs.searches.keys)
        guard !asked.isEmpty else { return view }
        let curl: CurlClient
        do {
            curl = try CurlClient.started(caFile: config.caFile)
        } catch {
            context.logger.warning("cannot start the HTTP client for Logz.io", metadata: ["error": "\(error)"])
            return view
        }
        defer { curl.shutdown() }
        let keep: (any DefinitionCache)? = if case .decide(let keep) = purpose { keep } else { nil }
        for account in LogzioAccount.all(config) where asked.contains(account.key) {
            var entry = Account(account: account)
            var client: LogzioClient?
            do {
                if let token = try account.token(config: config, context: context) {
                    client = LogzioClient(
                        options: LogzioClientOptions(apiURL: account.apiURL, token: token, timeout: config.timeout),
                        curl: curl, logger: context.logger)
                }
            } catch {
                context.warn("\(error)")
            }
            entry.hasToken = client != nil
            if needs.definitions.contains(account.key), config.policy.usesAuto {
                entry.definitions = await AutoDefinitions.load(
                    account: account, client: client, cache: ledger, store: keep, maxAge: config.logzioCacheMaxAge,
                    context: context)
            }
            if let searches = needs.searches[account.key], !searches.isEmpty, let client {
                entry.evidence = await TriggerEvidence.search(
                    searches, client: client, account: account, field: config.evidenceField,
                    query: config.evidenceQuery, now: now, logger: context.logger)
            }
            view.accounts[account.key] = entry
        }
        view.warnAboutUnverified(context.logger)
        return view
    }

    /// One pass over the open alerts: which accounts' definitions `auto` needs, and which definitions to
    /// search (those of the alerts that could be stale with evidence; for `check`, every definition with a
    /// notification in the last 24 h).
    private func needs(
        config: ResolverConfig, ledger: any LedgerBackend, filter: AlertFilter, now: Int64, purpose: Purpose
    ) -> Needs {
        var needs = Needs()
        var latest: [String: [Int64: Int64]] = [:]
        var candidates: [String: Set<Int64>] = [:]
        let policy = config.policy
        let fields = policy.matchFields.union([definitionField, accountField])
        var open = filter
        open.states = [.open]
        open.payloads = true
        try? ledger.forEachAlert(open) { alert in
            let payload = (try? RawJSONObject(Array(alert.payloadText.utf8)).subset(fields)) ?? JSONObject()
            let (account, id) = locate(payload)
            guard let id else { return }
            let rule = policy.matchingRule(payload)
            if rule.staleAfter == .auto { needs.definitions.insert(account) }
            guard evidenceEnabled else { return }
            latest[account, default: [:]][id] = max(latest[account]?[id] ?? .min, alert.lastReceived)
            let elapsed = Duration.seconds(max(0, now - alert.lastReceived))
            let candidate: Bool =
                switch (purpose, rule.staleAfter) {
                case (.check, _): elapsed <= .seconds(TriggerEvidence.verificationWindow)
                case (_, .never): false
                case (_, .after(let limit)): elapsed >= limit
                // The least `auto` can give is `auto_min`, or a shorter fallback when it cannot decide.
                case (_, .auto): elapsed >= min(rule.auto.minimum, rule.auto.fallback ?? rule.auto.minimum)
                }
            if candidate { candidates[account, default: []].insert(id) }
        }
        for (account, ids) in candidates {
            needs.searches[account] = ids.reduce(into: [:]) { $0[$1] = latest[account]?[$1] }
        }
        return needs
    }

    /// One warning per run for the definitions whose silence is not trusted (at most 10 ids, then a count).
    private func warnAboutUnverified(_ logger: Logger) {
        for (key, entry) in accounts.sorted(by: { $0.key < $1.key }) {
            guard let evidence = entry.evidence, evidence.failure == nil else { continue }
            let unverified = evidence.unverified
            guard !unverified.isEmpty else { continue }
            let shown = unverified.prefix(10).map(String.init).joined(separator: ", ")
            let more = unverified.count > 10 ? " and \(unverified.count - 10) more" : ""
            logger.warning(
                "Logz.io's trigger log did not verify some definitions; their silence counts as without evidence",
                metadata: [
                    "logzio.account": "\(key)", "evidence.unverified": "\(shown)\(more)",
                ])
        }
    }
}
