import BigPanda
import Foundation
public import Redaction

/// Where the BigPanda token comes from: `BIGPANDA_TOKEN`, else `BIGPANDA_TOKEN_FILE` or `bigpanda.token_file`.
public enum TokenSource {
    /// The token, or nil when no source is set. A file that cannot be read, or an empty token, is an error.
    ///
    /// - Parameter warn: called with a warning when the token file is readable by group or others.
    public static func bigPandaToken(
        config: ResolverConfig,
        environment: [String: String],
        warn: (String) -> Void
    ) throws(ConfigError) -> Secret? {
        try secret(
            variable: "BIGPANDA_TOKEN", file: config.tokenFile, key: "bigpanda.token_file (or BIGPANDA_TOKEN_FILE)",
            environment: environment, warn: warn)
    }

    /// The user API key for the Incidents API: `BIGPANDA_API_KEY`, else `BIGPANDA_API_KEY_FILE` or
    /// `bigpanda.api_key_file`. Kept apart from the org token, with the same secrecy.
    public static func bigPandaAPIKey(
        config: ResolverConfig,
        environment: [String: String],
        warn: (String) -> Void
    ) throws(ConfigError) -> Secret? {
        try secret(
            variable: "BIGPANDA_API_KEY", file: config.apiKeyFile,
            key: "bigpanda.api_key_file (or BIGPANDA_API_KEY_FILE)", environment: environment, warn: warn)
    }

    /// The Logz.io API token for `stale_after: auto`: `LOGZIO_API_TOKEN`, else `LOGZIO_API_TOKEN_FILE` or
    /// `logzio.token_file`, with the same secrecy as BigPanda's.
    public static func logzioToken(
        config: ResolverConfig,
        environment: [String: String],
        warn: (String) -> Void
    ) throws(ConfigError) -> Secret? {
        try secret(
            variable: "LOGZIO_API_TOKEN", file: config.logzioTokenFile,
            key: "logzio.token_file (or LOGZIO_API_TOKEN_FILE)", environment: environment, warn: warn)
    }

    /// The API token of one account of `logzio.accounts`, from its `token_file`, with the same secrecy.
    public static func logzioToken(account: LogzioAccountConfig, warn: (String) -> Void) throws(ConfigError) -> Secret {
        try read(file: account.tokenFile, key: "logzio.accounts (account \(account.id)).token_file", warn: warn)
    }

    /// The relay's token: `LOGZIO_RESOLVER_RELAY_TOKEN`, else `relay.token_file`.
    public static func relayToken(
        config: ResolverConfig,
        environment: [String: String],
        warn: (String) -> Void
    ) throws(ConfigError) -> Secret? {
        try secret(
            variable: "LOGZIO_RESOLVER_RELAY_TOKEN", file: config.relayTokenFile, key: "relay.token_file",
            environment: environment, warn: warn)
    }

    /// A secret from its environment variable, which comes first, else from its file (surrounding
    /// whitespace ignored), else nil.
    private static func secret(
        variable: String, file: String?, key: String, environment: [String: String], warn: (String) -> Void
    ) throws(ConfigError) -> Secret? {
        if let value = environment[variable], !value.isEmpty {
            return Secret(value.trimmingCharacters(in: .whitespacesAndNewlines))
        }
        guard let file else { return nil }
        return try read(file: file, key: key, warn: warn)
    }

    static func read(file: String, key: String, warn: (String) -> Void) throws(ConfigError) -> Secret {
        let text: String
        switch FileText.read(file) {
        case .success(let contents): text = contents
        case .failure(let error): throw ConfigError(key: key, message: "cannot read the token file \(file): \(error)")
        }
        let token = text.trimmingCharacters(in: .whitespacesAndNewlines)
        guard !token.isEmpty else {
            throw ConfigError(key: key, message: "the token file \(file) is empty; put the bearer token in it")
        }
        var info = stat()
        if stat(file, &info) == 0, info.st_mode & 0o077 != 0 {
            warn("warning: the token file \(file) is readable by group or others; run chmod 600 \(file)")
        }
        return Secret(token)
    }
}
