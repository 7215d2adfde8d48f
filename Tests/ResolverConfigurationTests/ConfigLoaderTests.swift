import ResolverConfiguration
import Staleness
import Testing

@Suite struct ConfigLoaderTests {
    func load(_ yaml: String, environment: [String: String] = [:]) throws(ConfigError) -> ResolverConfig {
        var config = ResolverConfig()
        try ConfigLoader.apply(yaml: yaml, file: "test.yaml", to: &config)
        return config
    }

    @Test func readsTheSpecExample() throws {
        let config = try load(
            """
            ledger: /var/lib/logzio-resolver/ledger.sqlite
            bigpanda:
              token_file: /etc/logzio-resolver/bigpanda.token
              requests_per_second: 5
              batch_size: 100
            stale_after: 1h
            rules:
              - name: payments
                match: { service: "payments*", check: "*latency*" }
                stale_after: 3h
              - name: disks-by-hand
                match: { check: "Disk*" }
                stale_after: never
            """)
        #expect(config.ledger == "/var/lib/logzio-resolver/ledger.sqlite")
        #expect(config.tokenFile == "/etc/logzio-resolver/bigpanda.token")
        #expect(config.batchSize == 100)
        #expect(config.policy.defaultStaleAfter == .after(.seconds(3600)))
        #expect(config.policy.rules.map(\.name) == ["payments", "disks-by-hand"])
        #expect(config.policy.rules[1].staleAfter == .never)
        #expect(config.policy.rules[0].match.map(\.field) == ["service", "check"])
    }

    @Test(arguments: [
        ("stale_after: 1h\nfrobnicate: 3\n", 2, "frobnicate"),
        ("stale_after: 0s\n", 1, "stale_after"),
        ("stale_after: 90\n", 1, "stale_after"),
        ("bigpanda:\n  batch_size: 0\n", 2, "bigpanda.batch_size"),
        ("bigpanda:\n  token: abc\n", 2, "bigpanda.token"),
        ("bigpanda:\n  timeout: 10\n", 2, "bigpanda.timeout"),
        ("bigpanda:\n  alerts_url: ftp://x\n", 2, "bigpanda.alerts_url"),
        ("rules:\n  - name: a\n    match: { check: \"\" }\n    stale_after: 1h\n", 3, "rules[0].match.check"),
        ("rules:\n  - name: a\n    match: { check: x }\n    stale_after: 0m\n", 4, "rules[0].stale_after"),
        ("rules:\n  - name: a\n    match: { check: x }\n    stale_after: 1h\n    colour: red\n", 5, "rules[0].colour"),
        ("max_resolve_fraction: 2\n", 1, "max_resolve_fraction"),
        ("relay:\n  forward: maybe\n", 2, "relay.forward"),
        ("relay:\n  forward: true\n  public_metrics: 1x\n", 3, "relay.public_metrics"),
        ("relay:\n  public_metric: true\n", 2, "relay.public_metric"),
    ])
    func namesTheKeyAndLine(yaml: String, line: Int, key: String) {
        do {
            _ = try load(yaml)
            Issue.record("accepted:\n\(yaml)")
        } catch {
            #expect(error.key == key, "\(error)")
            #expect(error.line == line, "\(error)")
            #expect(error.description.hasPrefix("test.yaml:\(line): \(key): "))
        }
    }

    @Test(arguments: [
        ("logzio:\n  evidence: maybe\n", "logzio.evidence: must be on or off"),
        ("relay:\n  forward: maybe\n", "relay.forward: must be true or false"),
    ])
    func aBadSwitchNamesTheWordsSpecUses(yaml: String, message: String) {
        #expect(throws: ConfigError.self) { try load(yaml) }
        do {
            _ = try load(yaml)
        } catch {
            #expect(error.description.hasSuffix(message), "\(error)")
        }
    }

    @Test func publicMetricsIsOffUnlessSet() throws {
        #expect(try load("stale_after: 1h\n").relayPublicMetrics == false)
        #expect(try load("relay:\n  public_metrics: true\n").relayPublicMetrics == true)
        #expect(try load("relay:\n  public_metrics: no\n").relayPublicMetrics == false)
    }

    @Test func refusesRetentionNotLongerThanTheLongestStaleAfter() {
        #expect(throws: ConfigError.self) { try load("stale_after: 2d\nretention: 1d\n") }
        #expect((try? load("stale_after: 2d\nretention: 30d\n")) != nil)
    }

    @Test func invalidYAMLNamesTheLine() {
        do {
            _ = try load("stale_after: 1h\nrules: [\n")
            Issue.record("accepted")
        } catch {
            #expect(error.line != nil)
            #expect(error.description.contains("not valid YAML"))
        }
    }
}
