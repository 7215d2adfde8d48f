import Alerts
import AlertsStandIn
import Foundation
import TestSupport
import Testing

/// Network faults between the built binary and a BigPanda stand-in: throttling, server errors, resets,
/// truncated answers, a black hole, permanent refusals and TLS.
@Suite(.timingSensitive) struct ReliabilityNetworkTests {
    /// One request as the stand-in saw it: when (monotonic seconds) and which hosts it carried.
    struct Seen: Sendable {
        var time: Double
        var hosts: [String]
    }

    static func hosts(in request: ReceivedRequest) -> [String] {
        guard case .array(let alerts)? = (try? JSONParser.parse(request.body))?.objectValue?["alerts"] else {
            return []
        }
        return alerts.compactMap { $0.objectValue?["host"]?.stringValue }
    }

    @Test func a429StormOnHalfOfTheFirstHundredRequestsIsSurvivedWithinTheDeadline() async throws {
        // Requests 1, 3, 5, ... 99 (50 in all) get 429 with Retry-After: 0.
        let scenario = try Scenario(script: { number, _ in
            number <= 100 && number % 2 == 1
                ? .respond(
                    status: 429, headers: [HeaderField("Retry-After", "0")], body: Array(#"{"error":"slow down"}"#.utf8)
                )
                : nil
        })
        try scenario.writeConfig("bigpanda:\n  requests_per_second: 0\n  batch_size: 1\n  deadline: 30s\n")
        try await scenario.importOpenAlerts(count: 50, prefix: "storm")
        let started = Date()
        let result = try await scenario.run(["sweep", "--all", "--yes", "--json"])
        let elapsed = Date().timeIntervalSince(started)
        #expect(result.code == 0, "\(result.stderr)")
        #expect(scenario.standIn.requestCount >= 100, "the storm was \(scenario.standIn.requestCount / 2) 429s")
        #expect(Set(scenario.standIn.received.compactMap { $0.alert["host"]?.stringValue }).count == 50)
        #expect(try await scenario.list("open").isEmpty)
        #expect(elapsed < 30, "took \(elapsed) s")
        let report = try jsonObject(result.stdout)
        #expect(report["resolved"] as? Int == 50)
        let actions = try #require(report["actions"] as? [[String: Any]])
        #expect(actions.reduce(0) { $0 + (($1["attempts"] as? Int) ?? 0) } == scenario.standIn.requestCount)
    }

    /// A fault that never clears, and how to recognise it in stderr.
    enum PersistentFault: String, CaseIterable, Sendable {
        case serverErrors, reset, resetBeforeBody, truncated, blackHole

        func reply(_ number: Int) -> Reply {
            switch self {
            case .serverErrors: .json([500, 502, 503, 504][number % 4], #"{"error":"maintenance"}"#)
            case .reset: .reset
            case .resetBeforeBody: .resetBeforeBody
            case .truncated: .truncated(status: 201, body: Array(#"{"status":"cre"#.utf8))
            case .blackHole: .hang
            }
        }
    }

    @Test(arguments: PersistentFault.allCases)
    func aFaultThatNeverClearsEndsWithExit1TheAlertsOpenAndNoRetryAfterTheDeadline(fault: PersistentFault) async throws
    {
        let seen = Collected<Seen>()
        let scenario = try Scenario(script: { number, request in
            seen.append(Seen(time: monotonicSeconds(), hosts: Self.hosts(in: request)))
            return fault.reply(number)
        })
        let deadline = 3.0
        let timeout = 1.0
        try scenario.writeConfig(
            "bigpanda:\n  requests_per_second: 0\n  batch_size: 2\n  timeout: 1s\n  deadline: 3s\n")
        try await scenario.importOpenAlerts(count: 6, prefix: "f")
        let started = monotonicSeconds()
        let result = try await scenario.run(["sweep", "--json"])
        let elapsed = monotonicSeconds() - started
        #expect(result.code == 1, "\(fault): \(result.stderr)")
        #expect(result.stderr.contains("not delivered"), "\(result.stderr)")
        let report = try jsonObject(result.stdout)
        #expect(report["failed"] as? Int == 6)
        #expect(report["resolved"] as? Int == 0)
        #expect(try await scenario.list("open").count == 6)
        #expect(try await scenario.list("resolved").isEmpty)
        #expect(scenario.standIn.received.isEmpty)

        // Every request, a batch's first included, starts before the deadline. The first batch goes alone
        // and retries until about the deadline; a batch not sent by then is failed without a request.
        let requests = seen.values
        let first = try #require(requests.first?.time)
        var attemptsPerBatch: [[String]: Int] = [:]
        for request in requests {
            attemptsPerBatch[request.hosts, default: 0] += 1
            // The decision to send is taken before the deadline; the request lands a moment later.
            #expect(
                request.time - first <= deadline + 1.5,
                "\(fault): a request started \(request.time - first) s after the first request")
        }
        #expect((1...3).contains(attemptsPerBatch.count), "\(fault): \(attemptsPerBatch)")
        #expect(attemptsPerBatch.values.contains { $0 > 1 }, "\(fault): nothing was retried")
        // From the first request, not the spawn: starting the binary on a loaded 2-core machine takes seconds
        // of its own, and the deadline bounds the sending. One retry too many after the deadline is 4 s more.
        let ended = started + elapsed
        #expect(
            ended - first < deadline + timeout + 5,
            "\(fault): the sweep ended \(ended - first) s after its first request")
        print("reliability: \(fault): \(requests.count) requests, exit 1 after \(String(format: "%.1f", elapsed)) s")
    }

    @Test func aBlackHoledSweepOfManyBatchesEndsWithinTheDeadlinePlusOneTimeout() async throws {
        // 40 batches against a BigPanda that accepts connections and never answers. Before the fix, every
        // batch not sent at the deadline still got one request: 3 s + 10 rounds of 4 × 1 s ≈ 13 s.
        let seen = Collected<Seen>()
        let scenario = try Scenario(script: { _, request in
            seen.append(Seen(time: monotonicSeconds(), hosts: Self.hosts(in: request)))
            return .hang
        })
        let deadline = 3.0
        let timeout = 1.0
        try scenario.writeConfig(
            "bigpanda:\n  requests_per_second: 0\n  batch_size: 1\n  timeout: 1s\n  deadline: 3s\n"
                + "max_resolves_per_run: 100000\nmax_resolve_fraction: 1\n")
        try await scenario.importOpenAlerts(count: 40, prefix: "bh")
        let started = monotonicSeconds()
        let result = try await scenario.run(["sweep", "--all", "--yes", "--json"])
        let elapsed = monotonicSeconds() - started
        #expect(result.code == 1, "\(result.stderr)")
        // The stand-in's clock below is what tells the fix from the bug (no request starts after the
        // deadline); the run's whole duration only has to end, with room for a loaded 2-core machine.
        #expect(elapsed < deadline + timeout + 26, "the sweep took \(elapsed) s")
        #expect(result.stderr.contains("not sent: the run's deadline (3s) had passed"), "\(result.stderr)")
        let report = try jsonObject(result.stdout)
        #expect(report["failed"] as? Int == 40)
        let actions = try #require(report["actions"] as? [[String: Any]])
        let unsent = actions.filter { ($0["reason"] as? String)?.contains("the run's deadline") == true }
        #expect(unsent.count >= 30, "most batches were never sent")
        #expect(unsent.allSatisfy { $0["attempts"] as? Int == 0 })
        let requests = seen.values
        let first = try #require(requests.first?.time)
        #expect(requests.allSatisfy { $0.time - first <= deadline + 1.5 }, "a request started after the deadline")
        #expect(try await scenario.list("open").count == 40)
        print("reliability: black hole, 40 batches: \(requests.count) requests, exit 1 after \(elapsed) s")
    }

    @Test func aPermanent400IsReportedOnceWithBigPandasTextAndNothingIsResolved() async throws {
        let scenario = try Scenario(script: { _, _ in
            .json(400, #"{"status":"failure","error":"Invalid alert: the field 'host' is malformed"}"#)
        })
        try scenario.writeConfig("bigpanda:\n  requests_per_second: 0\n  batch_size: 2\n")
        try await scenario.importOpenAlerts(count: 6, prefix: "p")
        let text = "HTTP 400: Invalid alert: the field 'host' is malformed"
        let result = try await scenario.run(["sweep"])
        #expect(result.code == 1)
        #expect(Self.errorLines(result.stderr, containing: text) == 1, "\(result.stderr)")
        #expect(scenario.standIn.requestCount == 3, "a 400 is not retried within the run")
        #expect(try await scenario.list("resolved").isEmpty)
        #expect(try await scenario.list("open").count == 6)
        // With --quiet (cron), the text is printed exactly once.
        let quiet = try await scenario.run(["sweep", "--quiet"])
        #expect(quiet.code == 1)
        #expect(quiet.stderr.components(separatedBy: text).count - 1 == 1, "\(quiet.stderr)")
        #expect(try await scenario.list("resolved").isEmpty)
    }

    /// The error lines (not log lines) that contain `text`.
    static func errorLines(_ stderr: String, containing text: String) -> Int {
        stderr.split(separator: "\n").filter { $0.hasPrefix("logzio-resolver: ") && $0.contains(text) }.count
    }

    @Test
    func aPermanent400IsPrintedOnceAtTheDefaultLogLevel() async throws {
        let scenario = try Scenario(script: { _, _ in
            .json(400, #"{"status":"failure","error":"Invalid alert: bad"}"#)
        })
        try scenario.writeConfig("bigpanda:\n  requests_per_second: 0\n  batch_size: 2\n")
        try await scenario.importOpenAlerts(count: 6, prefix: "p")
        let result = try await scenario.run(["sweep"])
        #expect(result.code == 1)
        #expect(
            result.stderr.components(separatedBy: "HTTP 400: Invalid alert: bad").count - 1 == 1, "\(result.stderr)")
    }

    @Test func a401IsReportedOnceWithBigPandasTextStopsSendingAndResolvesNothing() async throws {
        let scenario = try Scenario()
        try scenario.writeConfig("bigpanda:\n  requests_per_second: 0\n  batch_size: 2\n")
        try await scenario.importOpenAlerts(count: 6, prefix: "u")
        let result = try await scenario.run(["sweep"], environment: ["BIGPANDA_TOKEN": "not-the-right-token-77"])
        #expect(result.code == 1)
        let text = "Unauthorized: bad or missing bearer token"
        #expect(Self.errorLines(result.stderr, containing: text) == 1, "\(result.stderr)")
        #expect(scenario.standIn.requestCount == 1)
        #expect(try await scenario.list("resolved").isEmpty)
    }

    // MARK: TLS

    /// An HTTPS stand-in (Python's http.server behind ssl) with a self-signed certificate for 127.0.0.1.
    final class TLSServer {
        let directory: String
        let certificate: String
        let server: Spawned
        let port: Int
        let log: String

        init(directory: String) async throws {
            self.directory = directory
            let openssl = try RequiredTools.path("openssl")
            let python = try RequiredTools.path("python3")
            certificate = directory + "/cert.pem"
            let key = directory + "/key.pem"
            let made = try await Tool.run(
                openssl,
                [
                    "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes",
                    "-keyout", key, "-out", certificate, "-days", "2", "-subj", "/CN=127.0.0.1",
                    "-addext", "subjectAltName=IP:127.0.0.1",
                ])
            try #require(made.code == 0, "openssl failed: \(made.stderr)")
            let script = directory + "/tls_server.py"
            try Self.script.write(toFile: script, atomically: true, encoding: .utf8)
            log = directory + "/tls-requests.log"
            let portFile = directory + "/tls-port"
            server = try Spawned(
                executable: python, arguments: [script, certificate, key, portFile, log],
                environment: ["PATH": "/usr/bin:/bin"], directory: directory)
            var port: Int?
            for _ in 0..<200 where port == nil {
                port = (try? String(contentsOfFile: portFile, encoding: .utf8)).flatMap { Int($0) }
                if port == nil { try await Task.sleep(for: .milliseconds(25)) }
            }
            self.port = try #require(port, "the TLS server did not start: \(server.stderr)")
        }

        deinit {
            server.killHard()
        }

        var url: String { "https://127.0.0.1:\(port)/data/v2/alerts" }
        var posts: Int { ((try? String(contentsOfFile: log, encoding: .utf8)) ?? "").split(separator: "\n").count }

        static let script = """
            import http.server, os, ssl, sys
            cert, key, port_file, log = sys.argv[1:5]
            class Handler(http.server.BaseHTTPRequestHandler):
                protocol_version = "HTTP/1.1"
                def do_POST(self):
                    body = self.rfile.read(int(self.headers.get("Content-Length", "0")))
                    with open(log, "a") as f:
                        f.write("%d\\n" % len(body))
                    out = b'{"status":"created"}'
                    self.send_response(201)
                    self.send_header("Content-Type", "application/json")
                    self.send_header("Content-Length", str(len(out)))
                    self.end_headers()
                    self.wfile.write(out)
                def log_message(self, *args):
                    pass
            server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
            context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
            context.load_cert_chain(cert, key)
            server.socket = context.wrap_socket(server.socket, server_side=True)
            with open(port_file + ".tmp", "w") as f:
                f.write(str(server.server_address[1]))
            os.rename(port_file + ".tmp", port_file)
            server.serve_forever()
            """
    }

    @Test(RequiredTools.trait("openssl", "python3"))
    func aSelfSignedCertificateIsRefusedUnlessCAFileTrustsIt() async throws {
        let scenario = try Scenario()
        let tls = try await TLSServer(directory: scenario.directory)
        try await scenario.record(host: "tls-1", at: nowSeconds() - 7200)
        let environment: [String: String?] = ["BIGPANDA_ALERTS_URL": tls.url]

        // The system's CAs do not trust it: nothing is sent, exit 1, the alert stays open.
        var result = try await scenario.run(["sweep"], environment: environment)
        #expect(result.code == 1)
        #expect(result.stderr.lowercased().contains("certificate") || result.stderr.contains("TLS"), "\(result.stderr)")
        #expect(!result.stderr.contains(Scenario.token))
        #expect(tls.posts == 0)
        #expect(try await scenario.hosts("open") == ["tls-1"])

        // A different self-signed certificate in ca_file does not help either.
        let other = scenario.directory + "/other"
        try FileManager.default.createDirectory(atPath: other, withIntermediateDirectories: true)
        let openssl = try RequiredTools.path("openssl")
        let made = try await Tool.run(
            openssl,
            [
                "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes",
                "-keyout", other + "/key.pem", "-out", other + "/cert.pem", "-days", "2", "-subj", "/CN=127.0.0.1",
                "-addext", "subjectAltName=IP:127.0.0.1",
            ])
        try #require(made.code == 0, "openssl req failed: \(made.stderr)")
        try scenario.writeConfig("bigpanda:\n  requests_per_second: 0\n  deadline: 5s\n  ca_file: \(other)/cert.pem\n")
        result = try await scenario.run(["sweep"], environment: environment)
        #expect(result.code == 1, "\(result.stderr)")
        #expect(tls.posts == 0)

        // Trusted through bigpanda.ca_file: delivered.
        try scenario.writeConfig("bigpanda:\n  requests_per_second: 0\n  deadline: 5s\n  ca_file: \(tls.certificate)\n")
        result = try await scenario.run(["sweep"], environment: environment)
        #expect(result.code == 0, "\(result.stderr)")
        #expect(tls.posts == 1)
        #expect(try await scenario.hosts("resolved") == ["tls-1"])
    }
}
