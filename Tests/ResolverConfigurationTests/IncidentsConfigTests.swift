import BigPanda
import Foundation
import Redaction
import ResolverConfiguration
import Staleness
import TestSupport
import Testing

@Suite struct IncidentsConfigTests {
    @Test func defaultsFollowTheSpec() {
        let config = ResolverConfig()
        #expect(config.apiURL == "https://api.bigpanda.io")
        #expect(config.apiKeyFile == nil)
        #expect(config.environmentID == nil)
        #expect(config.sourceSystem == nil)
        #expect(config.incidentQuery == nil)
        #expect(config.apiRequestsPerSecond == 2)
        #expect(config.closeGrace == .seconds(120))
    }

    @Test func theEnvironmentOverridesTheFileWhichOverridesTheDefaults() throws {
        let directory = try TemporaryDirectory(prefix: "lr-cfg")
        defer { directory.remove() }
        let file = directory.file("config.yaml")
        try """
        bigpanda:
          api_url: https://eu-api.bigpanda.io
          api_key_file: /etc/key-from-file
          environment_id: env-file
          source_system: "logzio.*"
          incident_query: 'status != "ok"'
          api_requests_per_second: 0.5
          close_grace: 5m
        """.write(toFile: file, atomically: true, encoding: .utf8)
        let fromFile = try ConfigLoader.load(path: file, environment: [:])
        #expect(fromFile.apiURL == "https://eu-api.bigpanda.io")
        #expect(fromFile.apiKeyFile == "/etc/key-from-file")
        #expect(fromFile.environmentID == "env-file")
        #expect(fromFile.sourceSystem?.matches("logzio.prod") == true)
        #expect(fromFile.sourceSystem?.matches("datadog.prod") == false)
        #expect(fromFile.incidentQuery == #"status != "ok""#)
        #expect(fromFile.apiRequestsPerSecond == 0.5)
        #expect(fromFile.closeGrace == .seconds(300))

        let overridden = try ConfigLoader.load(
            path: file,
            environment: [
                "BIGPANDA_API_URL": "https://api.bigpanda.io", "BIGPANDA_API_KEY_FILE": "/run/key-from-env",
                "BIGPANDA_ENVIRONMENT_ID": "env-env",
            ])
        #expect(overridden.apiURL == "https://api.bigpanda.io")
        #expect(overridden.apiKeyFile == "/run/key-from-env")
        #expect(overridden.environmentID == "env-env")
    }

    @Test(arguments: [
        ("bigpanda:\n  api_key: BPU123\n", "bigpanda.api_key", "never read from the config file"),
        ("bigpanda:\n  api_url: ftp://x\n", "bigpanda.api_url", "http"),
        ("bigpanda:\n  close_grace: 0s\n", "bigpanda.close_grace", "totals zero"),
        ("bigpanda:\n  source_system: \"\"\n", "bigpanda.source_system", "non-empty"),
        ("bigpanda:\n  api_requests_per_second: -1\n", "bigpanda.api_requests_per_second", "from 0"),
    ])
    func badValuesNameTheKey(yaml: String, key: String, text: String) {
        var config = ResolverConfig()
        do {
            try ConfigLoader.apply(yaml: yaml, file: "c.yaml", to: &config)
            Issue.record("accepted \(yaml)")
        } catch {
            #expect(error.description.contains(key))
            #expect(error.description.contains(text))
            #expect(!error.description.contains("BPU123"))
        }
    }

    @Test func theAPIKeyComesFromTheEnvironmentBeforeItsFile() throws {
        var config = ResolverConfig()
        config.apiKeyFile = "/nonexistent/key"
        let fromEnvironment = try TokenSource.bigPandaAPIKey(
            config: config, environment: ["BIGPANDA_API_KEY": " BPU-env \n"], warn: { _ in })
        #expect(fromEnvironment?.value == "BPU-env")
        #expect(throws: ConfigError.self) {
            _ = try TokenSource.bigPandaAPIKey(config: config, environment: [:], warn: { _ in })
        }
        #expect(try TokenSource.bigPandaAPIKey(config: ResolverConfig(), environment: [:], warn: { _ in }) == nil)
    }
}
