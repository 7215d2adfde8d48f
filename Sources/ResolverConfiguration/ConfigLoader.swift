import BigPanda
import Staleness
import Yams

/// Reads the YAML config file and the environment into a validated `ResolverConfig`.
public enum ConfigLoader {
    /// Loads the config: defaults, then the file (if any), then the environment.
    ///
    /// - Parameters:
    ///   - path: `--config`, or nil to use `LOGZIO_RESOLVER_CONFIG`, or no file.
    ///   - environment: the process environment.
    public static func load(path: String?, environment: [String: String]) throws(ConfigError) -> ResolverConfig {
        var config = ResolverConfig()
        if let file = file(path: path, environment: environment) {
            let text: String
            switch FileText.read(file) {
            case .success(let contents): text = contents
            case .failure(let error): throw ConfigError(file: file, message: "cannot read the config file: \(error)")
            }
            try apply(yaml: text, file: file, to: &config)
        }
        try applyEnvironment(environment, to: &config)
        if config.logzioEvidence == true, !config.hasLogzioTokenSource(environment: environment) {
            throw ConfigError(
                file: file(path: path, environment: environment), line: config.evidenceLine, key: "logzio.evidence",
                message:
                    "is on, but no Logz.io token is set: set LOGZIO_API_TOKEN, LOGZIO_API_TOKEN_FILE or logzio.token_file (or list logzio.accounts), or turn evidence off"
            )
        }
        return config
    }

    /// The config file in effect: `--config`, else a non-empty `LOGZIO_RESOLVER_CONFIG`, else none.
    public static func file(path: String?, environment: [String: String]) -> String? {
        path ?? environment["LOGZIO_RESOLVER_CONFIG"].flatMap { $0.isEmpty ? nil : $0 }
    }

    /// Parses YAML text into `config`, naming the file in errors.
    public static func apply(yaml text: String, file: String, to config: inout ResolverConfig) throws(ConfigError) {
        let root: Node?
        do {
            // The basic resolver: values are read as plain strings here, so resolving tags (and compiling
            // the default resolver's regular expressions at start-up) would be wasted.
            root = try Yams.compose(yaml: text, .basic)
        } catch let error as YamlError {
            throw ConfigError(file: file, line: yamlLine(error), message: "not valid YAML: \(yamlProblem(error))")
        } catch {
            throw ConfigError(file: file, message: "not valid YAML: \(error)")
        }
        guard let root else { return }
        var reader = YAMLReader(file: file)
        try reader.read(root, into: &config)
    }

    static func applyEnvironment(_ environment: [String: String], to config: inout ResolverConfig) throws(ConfigError) {
        func value(_ name: String) -> String? {
            guard let value = environment[name], !value.isEmpty else { return nil }
            return value
        }
        if let ledger = value("LOGZIO_RESOLVER_LEDGER") { config.ledger = ledger }
        if let url = value("BIGPANDA_ALERTS_URL") {
            try YAMLReader.checkURL(url, key: "BIGPANDA_ALERTS_URL", file: nil, line: nil)
            config.alertsURL = url
        }
        if let tokenFile = value("BIGPANDA_TOKEN_FILE") { config.tokenFile = tokenFile }
        if let appKey = value("BIGPANDA_APP_KEY") { config.appKey = appKey }
        if let url = value("BIGPANDA_API_URL") {
            try YAMLReader.checkURL(url, key: "BIGPANDA_API_URL", file: nil, line: nil)
            config.apiURL = url
        }
        if let keyFile = value("BIGPANDA_API_KEY_FILE") { config.apiKeyFile = keyFile }
        if let environmentID = value("BIGPANDA_ENVIRONMENT_ID") { config.environmentID = environmentID }
        if let url = value("LOGZIO_API_URL") {
            try YAMLReader.checkURL(url, key: "LOGZIO_API_URL", file: nil, line: nil)
            config.logzioAPIURL = url
        }
        if let tokenFile = value("LOGZIO_API_TOKEN_FILE") { config.logzioTokenFile = tokenFile }
    }

    private static func yamlLine(_ error: YamlError) -> Int? {
        switch error {
        case .scanner(_, _, let mark, _), .parser(_, _, let mark, _), .composer(_, _, let mark, _): mark.line
        default: nil
        }
    }

    private static func yamlProblem(_ error: YamlError) -> String {
        switch error {
        case .scanner(_, let problem, _, _), .parser(_, let problem, _, _), .composer(_, let problem, _, _): problem
        case .duplicatedKeysInMapping(let duplicates, _): "duplicate keys \(duplicates.joined(separator: ", "))"
        default: "\(error)"
        }
    }
}
