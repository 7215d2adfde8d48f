import Logging
import Logzio
import Staleness

/// What one account's trigger log showed in one run: each searched definition's latest logged trigger,
/// and which of them are verified.
public struct TriggerEvidence: Sendable {
    /// The definition ids searched (or asked for, when the search failed).
    public var searched: Set<Int64> = []
    /// The latest logged trigger of each searched definition that has one, in epoch seconds.
    public var triggers: [Int64: Int64] = [:]
    /// The searched definitions whose triggers the search is shown to see.
    public var verified: Set<Int64> = []
    /// Why the search failed, when it did: then no definition of the account has evidence this run.
    public var failure: String?
    /// Whether Logz.io refused the token (401 or 403): `check` exits 78 for it.
    public var unauthorized = false

    /// Creates evidence with nothing searched.
    public init() {}

    /// How far a latest trigger may lie before the latest notification and still verify the definition.
    static let verificationSlack: Int64 = 600
    /// How recent the latest notification must be for the definition to be verified (the search sees
    /// today and yesterday).
    static let verificationWindow: Int64 = 86_400

    /// Whether a definition is verified: the latest notification the ledger has for it is within the
    /// last 24 h of `now`, and its latest logged trigger is no earlier than 10 minutes before it.
    static func isVerified(latestNotification: Int64, lastTrigger: Int64?, now: Int64) -> Bool {
        guard let lastTrigger, now - latestNotification <= verificationWindow else { return false }
        return lastTrigger >= latestNotification - verificationSlack
    }

    /// Searches the account's trigger log for `latestNotifications`' definitions (their latest
    /// notification in the ledger, for verification) and judges each at `now`. A failed search is one
    /// warning, and gives no evidence.
    static func search(
        _ latestNotifications: [Int64: Int64], client: LogzioClient, account: LogzioAccount, field: String,
        query: String?, now: Int64, logger: Logger
    ) async -> TriggerEvidence {
        var evidence = TriggerEvidence()
        let ids = latestNotifications.keys.sorted()
        evidence.searched = Set(ids)
        do {
            let found = try await client.latestTriggers(ids: ids, field: field, query: query)
            // A trigger after `now` has not happened yet as far as this evaluation goes.
            evidence.triggers = found.filter { $0.value <= now }
            for (id, latest) in latestNotifications
            where isVerified(latestNotification: latest, lastTrigger: evidence.triggers[id], now: now) {
                evidence.verified.insert(id)
            }
        } catch {
            evidence.unauthorized = error.isUnauthorized
            evidence.failure = "cannot search \(account.label)'s trigger log: \(error)"
            logger.warning(
                "no evidence from Logz.io's trigger log this run; alerts are decided without it",
                metadata: ["logzio.account": "\(account.key)", "error": "\(error)"])
        }
        return evidence
    }

    /// The evidence for one alert of the account whose definition is `id`.
    func evidence(for id: Int64) -> Evidence {
        if failure != nil { return Evidence(state: .failed, definitionID: id) }
        guard searched.contains(id) else { return Evidence(state: .unverified, definitionID: id) }
        return Evidence(
            state: verified.contains(id) ? .verified : .unverified, lastTrigger: triggers[id], definitionID: id)
    }

    /// The searched definitions that are not verified (all of them when the search failed).
    public var unverified: [Int64] {
        searched.subtracting(verified).sorted()
    }
}
