import ResolverConfiguration
import Staleness
import Testing

@Suite struct AutoConfigTests {
    func load(_ yaml: String) throws(ConfigError) -> ResolverConfig {
        var config = ResolverConfig()
        try ConfigLoader.apply(yaml: yaml, file: "c.yaml", to: &config)
        return config
    }

    @Test func defaultsFollowTheSpec() {
        let config = ResolverConfig()
        #expect(config.logzioAPIURL == "https://api.logz.io")
        #expect(config.logzioTokenFile == nil)
        #expect(config.logzioCacheMaxAge == .seconds(86_400))
        #expect(config.policy.definitionField == "alert_definition_id")
        #expect(config.policy.defaultAuto == AutoParameters(factor: 3, minimum: .seconds(900), fallback: nil))
    }

    @Test func rulesTakeTheTopLevelsFactorAndMinimumButKeepTheirOwnFallback() throws {
        let config = try load(
            """
            rules:
              - name: own
                match: { service: "a*" }
                stale_after: auto
                auto_factor: 2
                fallback: 30m
              - name: inherits
                match: { service: "b*" }
                stale_after: auto
            stale_after: auto
            auto_factor: 4
            auto_min: 20m
            fallback: 2h
            logzio:
              api_url: https://api-eu.logz.io
              token_file: /etc/logzio.token
              definition_field: logzio_alert
              cache_max_age: 6h
            """)
        #expect(config.policy.defaultStaleAfter == .auto)
        #expect(
            config.policy.defaultAuto == AutoParameters(factor: 4, minimum: .seconds(1200), fallback: .seconds(7200)))
        #expect(
            config.policy.rules[0].auto == AutoParameters(factor: 2, minimum: .seconds(1200), fallback: .seconds(1800)))
        #expect(config.policy.rules[1].auto == AutoParameters(factor: 4, minimum: .seconds(1200), fallback: nil))
        #expect(config.policy.definitionField == "logzio_alert")
        #expect(config.logzioAPIURL == "https://api-eu.logz.io")
        #expect(config.logzioTokenFile == "/etc/logzio.token")
        #expect(config.logzioCacheMaxAge == .seconds(21_600))
        let fromEnvironment = try ConfigLoader.load(
            path: nil, environment: ["LOGZIO_API_URL": "https://api-uk.logz.io", "LOGZIO_API_TOKEN_FILE": "/run/t"])
        #expect(fromEnvironment.logzioAPIURL == "https://api-uk.logz.io")
        #expect(fromEnvironment.logzioTokenFile == "/run/t")
    }

    @Test(arguments: [
        ("auto_factor: 0.5\n", "auto_factor"),
        ("auto_min: 0m\n", "auto_min"),
        ("fallback: never\n", "fallback"),
        ("logzio:\n  token: abc\n", "logzio.token"),
        ("logzio:\n  nope: 1\n", "logzio.nope"),
        ("rules:\n  - name: r\n    match: { a: b }\n    stale_after: 1h\n    fallback: 1h\n", "rules[0].fallback"),
        ("stale_after: sometimes\n", "stale_after"),
    ])
    func badValuesNameTheKey(yaml: String, key: String) {
        do {
            _ = try load(yaml)
            Issue.record("accepted \(yaml)")
        } catch {
            #expect(error.description.contains(key), "\(error.description)")
        }
    }
}
