public import Alerts
import Ledger
public import Redaction
public import ResolverConfiguration

/// One Logz.io account a run may ask: the top-level one (`logzio.token_file`, `LOGZIO_API_TOKEN`) or one
/// of `logzio.accounts`, each with its own token and API URL.
public struct LogzioAccount: Sendable, Equatable {
    /// How the ledger's definition cache names it: `LogzioAccountKey.topLevel`, or the account's id.
    public var key: String
    /// The account's API URL.
    public var apiURL: String
    /// The account's entry in `logzio.accounts`; nil for the top-level account.
    public var listed: LogzioAccountConfig?

    /// The top-level account.
    public static func topLevel(_ config: ResolverConfig) -> LogzioAccount {
        LogzioAccount(key: LogzioAccountKey.topLevel, apiURL: config.logzioAPIURL, listed: nil)
    }

    /// Every account of the config: the top-level one first, then `logzio.accounts` in order.
    public static func all(_ config: ResolverConfig) -> [LogzioAccount] {
        [topLevel(config)]
            + config.logzioAccounts.map {
                LogzioAccount(key: $0.id, apiURL: $0.apiURL ?? config.logzioAPIURL, listed: $0)
            }
    }

    /// The account as messages name it.
    public var label: String { listed.map { "Logz.io account \($0.id)" } ?? "Logz.io" }

    /// The key of the account an alert's last payload belongs to: its `logzio.account_field` value when
    /// `logzio.accounts` lists it (compared as text), else the top-level account.
    public static func key(of payload: JSONObject, field: String, listed: Set<String>) -> String {
        guard !listed.isEmpty, let value = payload[field], value != .null else { return LogzioAccountKey.topLevel }
        let text = value.matchText
        return listed.contains(text) ? text : LogzioAccountKey.topLevel
    }

    /// The account's API token, or nil when the top-level account has none; a token file that cannot be
    /// read is an error naming its key. The token joins the redactor's secrets.
    public func token(config: ResolverConfig, context: OperationContext) throws(ConfigError) -> Secret? {
        let token: Secret? =
            if let listed {
                try TokenSource.logzioToken(account: listed, warn: context.warn)
            } else {
                try TokenSource.logzioToken(config: config, environment: context.environment, warn: context.warn)
            }
        if let token { Redactor.shared.add(token.value) }
        return token
    }
}
