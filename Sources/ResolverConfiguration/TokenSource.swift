public import BigPanda
import Foundation

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
        if let token = environment["BIGPANDA_TOKEN"], !token.isEmpty {
            return Secret(token.trimmingCharacters(in: .whitespacesAndNewlines))
        }
        guard let file = config.tokenFile else { return nil }
        return try read(file: file, key: "bigpanda.token_file (or BIGPANDA_TOKEN_FILE)", warn: warn)
    }

    /// The user API key for the Incidents API: `BIGPANDA_API_KEY`, else `BIGPANDA_API_KEY_FILE` or
    /// `bigpanda.api_key_file`. Kept apart from the org token, with the same secrecy.
    public static func bigPandaAPIKey(
        config: ResolverConfig,
        environment: [String: String],
        warn: (String) -> Void
    ) throws(ConfigError) -> Secret? {
        if let key = environment["BIGPANDA_API_KEY"], !key.isEmpty {
            return Secret(key.trimmingCharacters(in: .whitespacesAndNewlines))
        }
        guard let file = config.apiKeyFile else { return nil }
        return try read(file: file, key: "bigpanda.api_key_file (or BIGPANDA_API_KEY_FILE)", warn: warn)
    }

    /// The Logz.io API token for `stale_after: auto`: `LOGZIO_API_TOKEN`, else `LOGZIO_API_TOKEN_FILE` or
    /// `logzio.token_file`, with the same secrecy as BigPanda's.
    public static func logzioToken(
        config: ResolverConfig,
        environment: [String: String],
        warn: (String) -> Void
    ) throws(ConfigError) -> Secret? {
        if let token = environment["LOGZIO_API_TOKEN"], !token.isEmpty {
            return Secret(token.trimmingCharacters(in: .whitespacesAndNewlines))
        }
        guard let file = config.logzioTokenFile else { return nil }
        return try read(file: file, key: "logzio.token_file (or LOGZIO_API_TOKEN_FILE)", warn: warn)
    }

    /// The relay's token: `LOGZIO_RESOLVER_RELAY_TOKEN`, else `relay.token_file`.
    public static func relayToken(
        config: ResolverConfig,
        environment: [String: String],
        warn: (String) -> Void
    ) throws(ConfigError) -> Secret? {
        if let token = environment["LOGZIO_RESOLVER_RELAY_TOKEN"], !token.isEmpty {
            return Secret(token.trimmingCharacters(in: .whitespacesAndNewlines))
        }
        guard let file = config.relayTokenFile else { return nil }
        return try read(file: file, key: "relay.token_file", warn: warn)
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
