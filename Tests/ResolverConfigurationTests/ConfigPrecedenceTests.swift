import Alerts
import BigPanda
import Foundation
import Redaction
import ResolverConfiguration
import Staleness
import TestSupport
import Testing

/// Environment over file over default, for every key SPEC.md's configuration table gives an environment
/// variable (as the code implements them today), and each default against SPEC's table. The flag layer
/// (`--ledger`, `--config`, `--listen`) is applied by the commands; `ConfigPrecedenceEndToEndTests` covers it.
@Suite struct ConfigPrecedenceTests {
    /// A key that the config file and an environment variable can both set.
    struct Layered: CustomTestStringConvertible, Sendable {
        var key: String
        var environmentName: String
        /// The YAML that sets the key to `fileValue`.
        var yaml: String
        var fileValue: String
        var environmentValue: String
        var defaultValue: String?
        var read: @Sendable (ResolverConfig) -> String?
        var testDescription: String { key }
    }

    static let layered: [Layered] = [
        Layered(
            key: "ledger", environmentName: "LOGZIO_RESOLVER_LEDGER", yaml: "ledger: /file/ledger.sqlite\n",
            fileValue: "/file/ledger.sqlite", environmentValue: "/env/ledger.sqlite",
            defaultValue: "./logzio-resolver.sqlite", read: { $0.ledger }),
        Layered(
            key: "bigpanda.alerts_url", environmentName: "BIGPANDA_ALERTS_URL",
            yaml: "bigpanda:\n  alerts_url: http://file.example/data/v2/alerts\n",
            fileValue: "http://file.example/data/v2/alerts", environmentValue: "https://env.example/data/v2/alerts",
            defaultValue: "https://api.bigpanda.io/data/v2/alerts", read: { $0.alertsURL }),
        Layered(
            key: "bigpanda.token_file", environmentName: "BIGPANDA_TOKEN_FILE",
            yaml: "bigpanda:\n  token_file: /file/token\n", fileValue: "/file/token", environmentValue: "/env/token",
            defaultValue: nil, read: { $0.tokenFile }),
        Layered(
            key: "bigpanda.app_key", environmentName: "BIGPANDA_APP_KEY", yaml: "bigpanda:\n  app_key: file-key\n",
            fileValue: "file-key", environmentValue: "env-key", defaultValue: nil, read: { $0.appKey }),
    ]

    /// Which layers are set, and which one must win.
    enum Layers: String, CaseIterable, Sendable {
        case none, file, environment, fileAndEnvironment, fileAndEmptyEnvironment
    }

    /// A temporary directory holding one config file.
    final class ConfigFile {
        let directory: TemporaryDirectory
        let path: String

        init(_ yaml: String) throws {
            directory = try TemporaryDirectory(prefix: "lr-cfg")
            path = directory.file("config.yaml")
            try yaml.write(toFile: path, atomically: true, encoding: .utf8)
        }

        deinit { directory.remove() }
    }

    @Test(arguments: layered, Layers.allCases)
    func environmentOverFileOverDefault(key: Layered, layers: Layers) throws {
        let file = try ConfigFile(key.yaml)
        var environment: [String: String] = [:]
        var path: String?
        let expected: String?
        switch layers {
        case .none:
            expected = key.defaultValue
        case .file:
            path = file.path
            expected = key.fileValue
        case .environment:
            environment[key.environmentName] = key.environmentValue
            expected = key.environmentValue
        case .fileAndEnvironment:
            path = file.path
            environment[key.environmentName] = key.environmentValue
            expected = key.environmentValue
        case .fileAndEmptyEnvironment:
            // An empty variable counts as unset.
            path = file.path
            environment[key.environmentName] = ""
            expected = key.fileValue
        }
        let config = try ConfigLoader.load(path: path, environment: environment)
        #expect(key.read(config) == expected, "\(key.key) with \(layers)")
    }

    /// `--config` (the `path` argument) over `LOGZIO_RESOLVER_CONFIG` over no file.
    @Test func configFileFromFlagOverEnvironmentOverNone() throws {
        let fromFlag = try ConfigFile("ledger: /flag.sqlite\n")
        let fromEnvironment = try ConfigFile("ledger: /env.sqlite\n")
        let environment = ["LOGZIO_RESOLVER_CONFIG": fromEnvironment.path]
        #expect(try ConfigLoader.load(path: nil, environment: [:]).ledger == "./logzio-resolver.sqlite")
        #expect(try ConfigLoader.load(path: nil, environment: environment).ledger == "/env.sqlite")
        #expect(try ConfigLoader.load(path: fromFlag.path, environment: environment).ledger == "/flag.sqlite")
        #expect(
            try ConfigLoader.load(path: nil, environment: ["LOGZIO_RESOLVER_CONFIG": ""]).ledger
                == "./logzio-resolver.sqlite")
    }

    /// `BIGPANDA_TOKEN` over `BIGPANDA_TOKEN_FILE` over `bigpanda.token_file` over none.
    @Test func bigPandaTokenPrecedence() throws {
        let directory = try ConfigFile("")
        let fileToken = directory.directory.file("file-token")
        let environmentFileToken = directory.directory.file("env-token")
        try "from-config-file\n".write(toFile: fileToken, atomically: true, encoding: .utf8)
        try "from-env-file\n".write(toFile: environmentFileToken, atomically: true, encoding: .utf8)
        for file in [fileToken, environmentFileToken] { chmod(file, 0o600) }
        let yaml = try ConfigFile("bigpanda:\n  token_file: \(fileToken)\n")

        func token(path: String?, _ environment: [String: String]) throws -> String? {
            let config = try ConfigLoader.load(path: path, environment: environment)
            return try TokenSource.bigPandaToken(config: config, environment: environment) { _ in }?.value
        }
        #expect(try token(path: nil, [:]) == nil)
        #expect(try token(path: yaml.path, [:]) == "from-config-file")
        #expect(try token(path: yaml.path, ["BIGPANDA_TOKEN_FILE": environmentFileToken]) == "from-env-file")
        #expect(
            try token(path: yaml.path, ["BIGPANDA_TOKEN_FILE": environmentFileToken, "BIGPANDA_TOKEN": "from-env"])
                == "from-env")
        #expect(try token(path: yaml.path, ["BIGPANDA_TOKEN": ""]) == "from-config-file")
    }

    /// `LOGZIO_RESOLVER_RELAY_TOKEN` over `relay.token_file` over none.
    @Test func relayTokenPrecedence() throws {
        let directory = try ConfigFile("")
        let fileToken = directory.directory.file("relay-token")
        try "relay-from-file\n".write(toFile: fileToken, atomically: true, encoding: .utf8)
        chmod(fileToken, 0o600)
        let yaml = try ConfigFile("relay:\n  token_file: \(fileToken)\n")

        func token(path: String?, _ environment: [String: String]) throws -> String? {
            let config = try ConfigLoader.load(path: path, environment: environment)
            return try TokenSource.relayToken(config: config, environment: environment) { _ in }?.value
        }
        #expect(try token(path: nil, [:]) == nil)
        #expect(try token(path: yaml.path, [:]) == "relay-from-file")
        #expect(try token(path: yaml.path, ["LOGZIO_RESOLVER_RELAY_TOKEN": "relay-from-env"]) == "relay-from-env")
        #expect(try token(path: nil, ["LOGZIO_RESOLVER_RELAY_TOKEN": "relay-from-env"]) == "relay-from-env")
        #expect(try token(path: yaml.path, ["LOGZIO_RESOLVER_RELAY_TOKEN": ""]) == "relay-from-file")
    }

    /// Each key of SPEC.md's configuration table that the code has today, with SPEC's default, read from
    /// `ResolverConfig()`. Keys still being added (bigpanda.api_url, logzio.*, auto_*, relay.public_metrics)
    /// are left out.
    static let specDefaults: [(key: String, spec: String, read: @Sendable (ResolverConfig) -> String)] = [
        ("ledger", "./logzio-resolver.sqlite", { $0.ledger }),
        ("bigpanda.alerts_url", "https://api.bigpanda.io/data/v2/alerts", { $0.alertsURL }),
        ("bigpanda.token_file", "none", { $0.tokenFile ?? "none" }),
        ("bigpanda.app_key", "none", { $0.appKey ?? "none" }),
        ("bigpanda.ca_file", "the system's", { $0.caFile ?? "the system's" }),
        ("bigpanda.requests_per_second", "5", { "\($0.requestsPerSecond)" }),
        ("bigpanda.batch_size", "100", { "\($0.batchSize)" }),
        ("bigpanda.timeout", "10s", { DurationText.format($0.timeout) }),
        ("bigpanda.deadline", "4m", { DurationText.format($0.deadline) }),
        ("stale_after", "1h", { "\(DurationText.format(Self.seconds($0.policy.defaultStaleAfter)))" }),
        ("rules", "[]", { $0.policy.rules.isEmpty ? "[]" : "\($0.policy.rules.count) rules" }),
        ("max_resolves_per_run", "500", { "\($0.blastRadius.maxResolvesPerRun)" }),
        ("max_resolve_fraction", "0.5", { "\($0.blastRadius.maxResolveFraction)" }),
        ("retention", "none (keep all)", { $0.retention.map { DurationText.format($0) } ?? "none (keep all)" }),
        ("metrics_file", "none", { $0.metricsFile ?? "none" }),
        ("relay.listen", "127.0.0.1:8787", { $0.relayListen }),
        ("relay.token_file", "none", { $0.relayTokenFile ?? "none" }),
        ("relay.forward", "true", { "\($0.relayForward)" }),
        ("relay.max_body", "1MiB", { $0.relayMaxBody == 1 << 20 ? "1MiB" : "\($0.relayMaxBody) bytes" }),
    ]

    static func seconds(_ staleAfter: StaleAfter) -> Int64 {
        if let span = staleAfter.span { return span.wholeSeconds }
        return -1
    }

    @Test func defaultsMatchSpec() {
        let config = ResolverConfig()
        for entry in Self.specDefaults {
            let value = entry.read(config)
            // Numbers compare by value (SPEC writes 5, Swift prints 5.0).
            let same = value == entry.spec || (Double(value) != nil && Double(value) == Double(entry.spec))
            #expect(same, "\(entry.key): SPEC says \(entry.spec), the code has \(value)")
        }
        #expect(config.policy.defaultStaleAfter == .after(.seconds(3_600)))
    }

    /// Defaults also survive loading with no file and an empty environment.
    @Test func loadingNothingGivesTheDefaults() throws {
        let loaded = try ConfigLoader.load(path: nil, environment: [:])
        let built = ResolverConfig()
        for entry in Self.specDefaults {
            #expect(entry.read(loaded) == entry.read(built), "\(entry.key)")
        }
    }
}
