import AlertsStandIn
import Curl
import Foundation
import TestSupport
import Testing

/// `metrics_push` and `--metrics-push` against Debian's real `prometheus-pushgateway` on loopback: the
/// same metrics as the textfile reach the host's group, and a push that fails is one warning.
@Suite(.timingSensitive) struct PushgatewayEndToEndTests {
    @Test(RequiredTools.trait("prometheus-pushgateway"), .timeLimit(.minutes(2)))
    func sweepAndReconcilePushTheirMetricsToTheHostsGroup() async throws {
        let executable = try RequiredTools.path("prometheus-pushgateway")
        let scenario = try Scenario(apiKey: "push-api-key")
        let port = try freePort()
        let gateway = try Spawned(
            executable: executable,
            arguments: ["--web.listen-address=127.0.0.1:\(port)", "--persistence.file=", "--log.level=warn"],
            environment: ["PATH": "/usr/bin:/bin"], directory: scenario.directory)
        defer { gateway.killHard() }
        let client = try CurlClient(options: CurlClientOptions(userAgent: "push-test"))
        defer { client.shutdown() }
        let base = "http://127.0.0.1:\(port)"
        func metrics() async throws -> String {
            let response = try await client.send(
                HTTPRequest(method: "GET", url: base + "/metrics", timeout: .seconds(5)))
            return String(decoding: response.body, as: UTF8.self)
        }
        var ready = false
        for _ in 0..<200 where !ready {
            ready = (try? await metrics()) != nil
            if !ready { try await Task.sleep(for: .milliseconds(50)) }
        }
        #expect(ready, "the Pushgateway did not start: \(gateway.stderr)")

        try await scenario.record(host: "web-1", at: nowSeconds() - 7200)
        let textfile = scenario.directory + "/metrics.prom"
        let swept = try await scenario.run(["sweep", "--metrics-push", base, "--metrics-file", textfile])
        #expect(swept.code == 0, "\(swept.stderr)")
        #expect(swept.stderr.isEmpty, "a good push is silent: \(swept.stderr)")
        var buffer = [CChar](repeating: 0, count: 256)
        gethostname(&buffer, buffer.count)
        let host = String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
        let pushed = try await metrics()
        // The same samples as the textfile, in the group job="logzio-resolver", instance=<this host>.
        let file = try String(contentsOfFile: textfile, encoding: .utf8)
        for line in file.split(separator: "\n") where !line.hasPrefix("#") {
            let name = String(line.prefix { $0 != "{" && $0 != " " })
            #expect(pushed.contains(name + "{"), "\(name) was not pushed")
        }
        #expect(pushed.contains(#"logzio_resolver_resolved_total{app_key="e2e-app-key",instance=""#), "\(pushed)")
        #expect(pushed.contains(#"job="logzio-resolver""#))
        #expect(pushed.contains(#"instance="\#(host)""#), "the group is this host's: \(host)")

        // reconcile pushes too, from the config's metrics_push.
        try scenario.writeConfig(
            """
            metrics_push: \(base)
            bigpanda:
              environment_id: \(scenario.standIn.environmentID)
              source_system: "logzio*"

            """)
        let reconciled = try await scenario.run(
            ["reconcile", "--yes"],
            environment: ["BIGPANDA_API_KEY": "push-api-key", "BIGPANDA_API_URL": scenario.standInServer.baseURL])
        #expect(reconciled.code == 0, "\(reconciled.stderr)")
        #expect(try await metrics().contains("logzio_resolver_bigpanda_active_alerts{instance="))
    }

    @Test func aPushThatFailsIsOneWarningAndNeverTheExitCode() async throws {
        let scenario = try Scenario()
        try await scenario.record(host: "web-1", at: nowSeconds() - 7200)
        // Nothing listens on a freshly freed port: the connection is refused.
        let swept = try await scenario.run(["sweep", "--metrics-push", "http://127.0.0.1:\(try freePort())"])
        #expect(swept.code == 0, "\(swept.stderr)")
        let warnings = swept.stderr.split(separator: "\n").filter { $0.contains("cannot push the metrics") }
        #expect(warnings.count == 1, "\(swept.stderr)")
        #expect(scenario.standIn.received.count == 1, "the sweep itself went on")
        let refused = try await scenario.run(["sweep", "--metrics-push", "ftp://example"])
        #expect(refused.code == 64, "\(refused.stderr)")
    }
}
