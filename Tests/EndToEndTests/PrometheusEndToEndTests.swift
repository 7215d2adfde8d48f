import Curl
import Foundation
import TestSupport
import Testing

/// Debian's real `prometheus` scrapes a running relay's `/metrics` with the relay token and loads
/// contrib/prometheus/logzio-resolver.rules.yml; every alert rule's and every Grafana panel's
/// expression then evaluates through the HTTP API without an error.
@Suite(.timingSensitive) struct PrometheusEndToEndTests {
    static let contrib = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("contrib")
    static let rulesFile = contrib.appendingPathComponent("prometheus/logzio-resolver.rules.yml").path
    static let dashboardFile = contrib.appendingPathComponent("grafana/logzio-resolver.json").path

    @Test(RequiredTools.trait("prometheus"), .timeLimit(.minutes(3)))
    func rulesAndPanelsEvaluateAgainstAScrapedRelay() async throws {
        let executable = try RequiredTools.path("prometheus")
        let rules = try RulesFile.expressions(String(contentsOfFile: Self.rulesFile, encoding: .utf8))
        let panels = try Dashboard.expressions(Data(contentsOf: URL(fileURLWithPath: Self.dashboardFile)))
        #expect(rules.count >= 10, "the rules file has its rules")
        #expect(panels.count >= 15, "the dashboard has its panels")

        let scenario = try Scenario()
        let relay = try await RelayProcess.start(scenario: scenario)
        let alert = #"{"app_key":"\#(Scenario.appKey)","status":"critical","host":"web-1","check":"cpu"}"#
        #expect(try await relay.post(alert).0 == 202)
        let prometheus = try await PrometheusProcess.start(
            executable: executable, directory: scenario.directory, relayPort: relay.port, rulesFile: Self.rulesFile,
            client: relay.client)
        defer { prometheus.stop() }

        // The scrape authenticates with the token, as the README's scrape setting does.
        let up = try await prometheus.waitForValue(#"up{job="logzio-resolver-relay"}"#, "1", seconds: 60)
        #expect(up, "Prometheus never scraped the relay: \(prometheus.stderr)")
        #expect(
            try await prometheus.waitForValue("logzio_resolver_relay_accepted_alerts_total", "1", seconds: 30),
            "the scrape carries the relay's counters")
        #expect(try await prometheus.waitForValue("logzio_resolver_open_alerts", "1", seconds: 30))

        for (name, expression) in rules {
            let outcome = try await prometheus.query(expression)
            #expect(outcome.isSuccess, "rule \(name): \(expression): \(outcome.text)")
        }
        for (title, expression) in panels {
            let outcome = try await prometheus.query(Dashboard.substitutingVariables(expression))
            #expect(outcome.isSuccess, "panel \(title): \(expression): \(outcome.text)")
        }

        // Every logzio_resolver_ name they use is one the binary exposes (a HELP line on /metrics), so a
        // misspelt name cannot pass as an empty result.
        let metrics = try await relay.client.send(
            HTTPRequest(
                method: "GET", url: relay.baseURL + "/metrics",
                headers: [HTTPHeader("Authorization", "Bearer \(RelayProcess.relayToken)")], timeout: .seconds(10)))
        let exposed = Set(
            String(decoding: metrics.body, as: UTF8.self).split(separator: "\n").compactMap { line in
                line.hasPrefix("# HELP ") ? line.split(separator: " ").dropFirst(2).first.map(String.init) : nil
            })
        for expression in rules.map(\.expression) + panels.map(\.expression) {
            for name in Self.metricNames(in: expression) {
                #expect(exposed.contains(name), "\(name) in \(expression) is not a metric the relay exposes")
            }
        }

        // Prometheus loaded the file and evaluates each rule without an error.
        var health: [String: String] = [:]
        let deadline = Date().addingTimeInterval(30)
        while Date() < deadline {
            health = try await prometheus.ruleHealth()
            if rules.allSatisfy({ health[$0.name] == "ok" }) { break }
            try await Task.sleep(for: .milliseconds(250))
        }
        for rule in rules {
            #expect(
                health[rule.name] == "ok", "rule \(rule.name) has health \(health[rule.name] ?? "none (not loaded)")")
        }
        #expect(relay.terminate() == 0)
    }

    /// The `logzio_resolver_` identifiers in a PromQL expression.
    static func metricNames(in expression: String) -> Set<String> {
        var names: Set<String> = []
        var rest = Substring(expression)
        while let start = rest.range(of: "logzio_resolver_") {
            let tail = rest[start.lowerBound...]
            let name = tail.prefix { $0.isLetter || $0.isNumber || $0 == "_" }
            names.insert(String(name))
            rest = tail.dropFirst(name.count)
        }
        return names
    }
}

/// The `expr:` of each rule in a Prometheus rules file, read line by line: a value on the line itself,
/// or a `|`/`>` block scalar on the lines indented below it.
enum RulesFile {
    struct Unsupported: Error, CustomStringConvertible {
        var description: String
    }

    static func expressions(_ text: String) throws -> [(name: String, expression: String)] {
        let lines = text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        var result: [(name: String, expression: String)] = []
        var name = "?"
        var index = 0
        while index < lines.count {
            let line = lines[index]
            let trimmed = line.trimmingCharacters(in: .whitespaces)
            index += 1
            if let value = value(of: "- alert:", in: trimmed) ?? value(of: "- record:", in: trimmed) {
                name = value
            }
            guard let value = value(of: "expr:", in: trimmed) else { continue }
            if value.hasPrefix("'") || value.hasPrefix("\"") {
                throw Unsupported(description: "\(name): write expr unquoted, or as a | block")
            }
            guard value.hasPrefix("|") || value.hasPrefix(">") else {
                result.append((name, value))
                continue
            }
            let indent = line.prefix { $0 == " " }.count
            var block: [String] = []
            while index < lines.count {
                let next = lines[index]
                let blank = next.trimmingCharacters(in: .whitespaces).isEmpty
                guard blank || next.prefix(while: { $0 == " " }).count > indent else { break }
                block.append(next.trimmingCharacters(in: .whitespaces))
                index += 1
            }
            result.append((name, block.joined(separator: "\n").trimmingCharacters(in: .whitespacesAndNewlines)))
        }
        return result
    }

    private static func value(of key: String, in line: String) -> String? {
        guard line.hasPrefix(key) else { return nil }
        return line.dropFirst(key.count).trimmingCharacters(in: .whitespaces)
    }
}

/// The PromQL of every panel of a Grafana dashboard (rows' nested panels included).
enum Dashboard {
    struct Malformed: Error {}

    static func expressions(_ data: Data) throws -> [(title: String, expression: String)] {
        guard let root = try JSONSerialization.jsonObject(with: data) as? [String: Any],
            let panels = root["panels"] as? [[String: Any]]
        else { throw Malformed() }
        var result: [(title: String, expression: String)] = []
        func visit(_ panels: [[String: Any]]) {
            for panel in panels {
                let title = panel["title"] as? String ?? "?"
                for target in panel["targets"] as? [[String: Any]] ?? [] {
                    if let expression = target["expr"] as? String { result.append((title, expression)) }
                }
                visit(panel["panels"] as? [[String: Any]] ?? [])
            }
        }
        visit(panels)
        return result
    }

    /// Grafana's interval variables, as Grafana would fill them in.
    static func substitutingVariables(_ expression: String) -> String {
        expression.replacingOccurrences(of: "$__rate_interval", with: "1m")
            .replacingOccurrences(of: "$__interval", with: "1m")
            .replacingOccurrences(of: "$__range", with: "1h")
    }
}

/// A Prometheus server on a free loopback port that scrapes one relay every second.
final class PrometheusProcess: @unchecked Sendable {
    let spawned: Spawned
    let baseURL: String
    let client: CurlClient

    /// What `/api/v1/query` answered.
    struct Outcome {
        var status: Int
        var text: String
        var isSuccess: Bool {
            guard status == 200, let object = try? jsonObject(text) else { return false }
            return object["status"] as? String == "success" && object["warnings"] == nil
        }
    }

    private init(spawned: Spawned, port: Int, client: CurlClient) {
        self.spawned = spawned
        baseURL = "http://127.0.0.1:\(port)"
        self.client = client
    }

    /// Writes prometheus.yml into `directory` and starts Prometheus with its storage there; returns once
    /// `/-/ready` answers 200.
    static func start(executable: String, directory: String, relayPort: Int, rulesFile: String, client: CurlClient)
        async throws -> PrometheusProcess
    {
        let port = try freePort()
        let config = """
            global:
              scrape_interval: 1s
              evaluation_interval: 1s
            rule_files:
              - \(rulesFile)
            scrape_configs:
              - job_name: logzio-resolver-relay
                authorization:
                  credentials: \(RelayProcess.relayToken)
                static_configs:
                  - targets: ['127.0.0.1:\(relayPort)']

            """
        let configFile = directory + "/prometheus.yml"
        try config.write(toFile: configFile, atomically: true, encoding: .utf8)
        let spawned = try Spawned(
            executable: executable,
            arguments: [
                "--config.file=\(configFile)", "--storage.tsdb.path=\(directory)/prometheus-data",
                "--web.listen-address=127.0.0.1:\(port)", "--log.level=warn",
            ],
            environment: ["PATH": "/usr/bin:/bin"], directory: directory)
        let server = PrometheusProcess(spawned: spawned, port: port, client: client)
        let deadline = Date().addingTimeInterval(60)
        while Date() < deadline {
            if !spawned.process.isRunning {
                throw RelayFailed(message: "prometheus exited \(spawned.process.terminationStatus): \(spawned.stderr)")
            }
            if let response = try? await client.send(
                HTTPRequest(method: "GET", url: server.baseURL + "/-/ready", timeout: .seconds(2))),
                response.status == 200
            {
                return server
            }
            try await Task.sleep(for: .milliseconds(100))
        }
        throw RelayFailed(message: "prometheus did not become ready: \(spawned.stderr)")
    }

    var stderr: String { spawned.stderr }

    /// Sends SIGTERM and waits for the exit (SIGKILL after 10 s).
    func stop() {
        guard spawned.process.isRunning else { return }
        kill(spawned.pid, SIGTERM)
        let deadline = Date().addingTimeInterval(10)
        while spawned.process.isRunning, Date() < deadline { usleep(20_000) }
        spawned.killHard()
    }

    /// Evaluates `expression` at the current time through `/api/v1/query` (a form POST).
    func query(_ expression: String) async throws -> Outcome {
        var allowed = CharacterSet.alphanumerics
        allowed.insert(charactersIn: "-._~")
        let body = "query=" + (expression.addingPercentEncoding(withAllowedCharacters: allowed) ?? "")
        let response = try await client.send(
            HTTPRequest(
                method: "POST", url: baseURL + "/api/v1/query",
                headers: [HTTPHeader("Content-Type", "application/x-www-form-urlencoded")], body: Array(body.utf8),
                timeout: .seconds(10)))
        return Outcome(status: response.status, text: String(decoding: response.body, as: UTF8.self))
    }

    /// Polls until `expression` has exactly one sample and its value is `value`, at most `seconds`.
    func waitForValue(_ expression: String, _ value: String, seconds: Double) async throws -> Bool {
        let deadline = Date().addingTimeInterval(seconds)
        while Date() < deadline {
            let outcome = try await query(expression)
            if let object = try? jsonObject(outcome.text), let data = object["data"] as? [String: Any],
                let result = data["result"] as? [[String: Any]], result.count == 1,
                let sample = result[0]["value"] as? [Any], sample.count == 2, sample[1] as? String == value
            {
                return true
            }
            try await Task.sleep(for: .milliseconds(250))
        }
        return false
    }

    /// Each loaded rule's name and health (`ok`, `unknown` before its first evaluation, `err`).
    func ruleHealth() async throws -> [String: String] {
        let response = try await client.send(
            HTTPRequest(method: "GET", url: baseURL + "/api/v1/rules", timeout: .seconds(10)))
        let object = try jsonObject(String(decoding: response.body, as: UTF8.self))
        let groups = (object["data"] as? [String: Any])?["groups"] as? [[String: Any]] ?? []
        var health: [String: String] = [:]
        for group in groups {
            for rule in group["rules"] as? [[String: Any]] ?? [] {
                if let name = rule["name"] as? String { health[name] = rule["health"] as? String ?? "?" }
            }
        }
        return health
    }
}
