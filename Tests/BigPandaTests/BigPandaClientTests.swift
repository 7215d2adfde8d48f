import Alerts
import AlertsStandIn
import BigPanda
import Curl
import Logging
import Redaction
import Synchronization
import TestSupport
import Testing

@Suite struct ResponseClassTests {
    @Test(
        arguments: [
            (200, nil, ResponseClass.delivered), (201, nil, .delivered), (202, nil, .delivered), (204, nil, .delivered),
            (400, nil, .permanent), (404, nil, .permanent), (409, nil, .permanent), (422, nil, .permanent),
            (401, nil, .unauthorized), (403, nil, .unauthorized),
            (408, nil, .retry(retryAfter: nil)), (429, nil, .retry(retryAfter: nil)),
            (429, "7", .retry(retryAfter: .seconds(7))),
            (429, "Wed, 21 Oct 2015 07:28:00 GMT", .retry(retryAfter: nil)), (500, nil, .retry(retryAfter: nil)),
            (503, "2", .retry(retryAfter: .seconds(2))), (302, nil, .permanent),
        ] as [(Int, String?, ResponseClass)])
    func classifies(status: Int, retryAfter: String?, expected: ResponseClass) {
        #expect(ResponseClass.classify(status: status, retryAfter: retryAfter) == expected)
    }
}

@Suite struct WireFormatTests {
    @Test func flattensNestedValuesButNotIdentityFields() throws {
        let payload = try #require(
            try JSONParser.parse(
                #"""
                {"app_key":"k","host":"h","primary_property":"host","tags":["a","b"],"nested":{"x":[1]},"rows":[{"a":1}],"n":5}
                """#
            ).objectValue)
        let flat = try #require(try JSONParser.parse(Array(WireFormat.flattenedText(payload).utf8)).objectValue)
        #expect(flat["tags"] == .array([.string("a"), .string("b")]))
        #expect(flat["nested"] == .string(#"{"x":[1]}"#))
        #expect(flat["rows"] == .string(#"[{"a":1}]"#))
        #expect(flat["n"] == .number("5"))
        #expect(flat.keys == payload.keys)
    }

    @Test func batchBodyIsValidJSON() throws {
        let body = WireFormat.batchBody(appKey: "k\"1", alerts: [JSONObject([("status", .string("ok"))])])
        let parsed = try #require(try JSONParser.parse(body).objectValue)
        #expect(parsed["app_key"] == .string("k\"1"))
        #expect(parsed.keys == ["app_key", "alerts"])
    }

    @Test(arguments: [
        (#"{"status":"failure","error":"Invalid app key"}"#, "Invalid app key"),
        (#"{"error":"bad"}"#, "bad"),
        ("plain text\nsecond line", "plain text second line"),
        ("", "(empty body)"),
    ])
    func errorText(body: String, expected: String) {
        #expect(HTTPResponse.errorText(from: Array(body.utf8)) == expected)
    }
}

/// Runs a client against a loopback server with a scripted handler.
struct ClientFixture {
    static let token = "client-test-token-123456"

    let server: LoopbackServer
    let curl: CurlClient
    let client: AlertsClient

    /// The deadline is far beyond what the tests take on an idle machine (seconds), so a pool thread that
    /// other tests' synchronous work holds for a while on a loaded 2-core machine cannot end a run early.
    init(
        requestsPerSecond: Double = 0, deadline: Double = 60, timeout: Double = 2,
        handler: @escaping @Sendable (ReceivedRequest) -> Reply
    ) throws {
        server = try LoopbackServer(handler: handler)
        curl = try CurlClient(options: CurlClientOptions(userAgent: AlertsClient.userAgent))
        var options = AlertsClientOptions(alertsURL: server.baseURL + "/data/v2/alerts", token: Secret(Self.token))
        options.requestsPerSecond = requestsPerSecond
        options.deadline = .seconds(deadline)
        options.timeout = .seconds(timeout)
        options.backoffBase = .milliseconds(50)
        options.backoffCap = .milliseconds(200)
        client = AlertsClient(options: options, curl: curl, logger: Logger(label: "test"))
    }

    func stop() {
        curl.shutdown()
        server.stop()
    }
}

final class Counter: Sendable {
    private let value = Mutex(0)
    func next() -> Int {
        value.withLock {
            $0 += 1; return $0
        }
    }
    var count: Int { value.withLock { $0 } }
}

@Suite(.timingSensitive) struct AlertsClientTests {
    let alert = JSONObject([("status", .string("ok")), ("host", .string("h"))])

    @Test(arguments: [200, 201, 202, 204])
    func anyTwoHundredIsDelivered(status: Int) async throws {
        let fixture = try ClientFixture { _ in .status(status) }
        defer { fixture.stop() }
        let result = await fixture.client.send(appKey: "k", alerts: [alert])
        #expect(result == DeliveryResult(outcome: .delivered, httpStatus: status, attempts: 1, message: nil))
    }

    @Test func sendsTheTokenOnlyInTheAuthorizationHeaderWithJSONAndUserAgent() async throws {
        let seen = Mutex<[ReceivedRequest]>([])
        let fixture = try ClientFixture { request in
            seen.withLock { $0.append(request) }
            return .status(201)
        }
        defer { fixture.stop() }
        _ = await fixture.client.send(appKey: "k", alerts: [alert])
        let request = try #require(seen.withLock { $0.first })
        #expect(request.header("Authorization") == "Bearer \(ClientFixture.token)")
        #expect(request.header("Content-Type") == "application/json")
        #expect(request.header("User-Agent") == "logzio-resolver/\(ResolverVersion.current)")
        #expect(request.path == "/data/v2/alerts")
        let body = String(decoding: request.body, as: UTF8.self)
        #expect(!body.contains(ClientFixture.token))
        #expect(body == #"{"app_key":"k","alerts":[{"status":"ok","host":"h"}]}"#)
    }

    @Test func a400IsPermanentWithBigPandasTextAndNotRetried() async throws {
        let counter = Counter()
        let fixture = try ClientFixture { _ in
            _ = counter.next()
            return .json(400, #"{"status":"failure","error":"Missing primary property"}"#)
        }
        defer { fixture.stop() }
        let result = await fixture.client.send(appKey: "k", alerts: [alert])
        #expect(result.outcome == .permanent)
        #expect(result.httpStatus == 400)
        #expect(result.message == "HTTP 400: Missing primary property")
        #expect(counter.count == 1)
    }

    @Test func a401StopsAllFurtherSendingAndNeverEchoesTheToken() async throws {
        let counter = Counter()
        let fixture = try ClientFixture { _ in
            _ = counter.next()
            return .json(401, #"{"error":"bad token \#(ClientFixture.token)"}"#)
        }
        defer { fixture.stop() }
        let first = await fixture.client.send(appKey: "k", alerts: [alert])
        #expect(first.outcome == .unauthorized)
        #expect(first.message?.contains(ClientFixture.token) == false)
        #expect(first.message?.contains("<redacted>") == true)
        let second = await fixture.client.send(appKey: "k", alerts: [alert])
        #expect(second.outcome == .failed)
        #expect(second.attempts == 0)
        #expect(counter.count == 1)
    }

    @Test func retries429And5xxHonouringRetryAfter() async throws {
        let counter = Counter()
        let fixture = try ClientFixture { _ in
            switch counter.next() {
            case 1: .respond(status: 429, headers: [HeaderField("Retry-After", "1")], body: [])
            case 2: .json(500, "{}")
            case 3: .json(503, "{}")
            default: .status(201)
            }
        }
        defer { fixture.stop() }
        let started = ContinuousClock.now
        let result = await fixture.client.send(appKey: "k", alerts: [alert])
        #expect(result.outcome == .delivered)
        #expect(result.attempts == 4)
        #expect(ContinuousClock.now - started >= .seconds(1), "Retry-After: 1 was honoured")
    }

    @Test func retriesAResetConnection() async throws {
        let counter = Counter()
        let fixture = try ClientFixture { _ in counter.next() == 1 ? .reset : .status(201) }
        defer { fixture.stop() }
        let result = await fixture.client.send(appKey: "k", alerts: [alert])
        #expect(result.outcome == .delivered)
        #expect(result.attempts == 2)
    }

    /// No retry starts after the 1 s deadline, counted rather than timed: every attempt against a server that
    /// never answers lasts the 0.3 s timeout, so attempts can start at 0, 0.3, 0.6 and 0.9 s at most (a loaded
    /// machine makes fewer). A client that kept retrying would reach the ninth request, which is answered 201.
    @Test func givesUpAtTheDeadline() async throws {
        let requests = Counter()
        let fixture = try ClientFixture(deadline: 1, timeout: 0.3) { _ in
            requests.next() > 8 ? .status(201) : .hang
        }
        defer { fixture.stop() }
        let result = await fixture.client.send(appKey: "k", alerts: [alert])
        #expect(result.outcome == .failed)
        #expect((1...4).contains(result.attempts), "\(result.attempts) attempts in a 1 s deadline of 0.3 s attempts")
        #expect(result.message?.contains("deadline") == true, "\(result.message ?? "")")
        #expect(
            try await eventually(5) { requests.count == result.attempts },
            "the server saw \(requests.count) requests for \(result.attempts) attempts")
    }

    @Test func pacingKeepsUnderTheCeiling() async throws {
        let times = Mutex<[ContinuousClock.Instant]>([])
        // No request starts after the deadline, so it is far beyond the 1.5 s this takes on an idle machine.
        let fixture = try ClientFixture(requestsPerSecond: 20, deadline: 60) { _ in
            times.withLock { $0.append(.now) }
            return .status(201)
        }
        defer { fixture.stop() }
        let client = fixture.client
        let alert = self.alert
        await withTaskGroup(of: Void.self) { group in
            for _ in 0..<30 { group.addTask { _ = await client.send(appKey: "k", alerts: [alert]) } }
        }
        let arrivals = times.withLock { $0 }.sorted()
        #expect(arrivals.count == 30)
        // No one-second window holds more than 20 requests, and 30 take at least ~1.4 s. The client spaces
        // starts 50.5 ms apart, so 21 of them span 1,010 ms; the window is 950 ms because arrivals here
        // carry the client's and the server's thread wake-ups (tens of ms on a loaded 2-core machine).
        for (index, start) in arrivals.enumerated() {
            let inWindow = arrivals[index...].prefix { $0 - start < .milliseconds(950) }.count
            #expect(inWindow <= 20)
        }
        if let first = arrivals.first, let last = arrivals.last {
            #expect(last - first >= .milliseconds(1400))
        }
    }

    @Test func theStandInAcceptsWhatTheClientSends() async throws {
        let standIn = AlertsStandIn(token: ClientFixture.token, appKeys: ["k"])
        let server = try StandInLoopback(serving: standIn)
        defer { server.stop() }
        let curl = try CurlClient(options: CurlClientOptions(userAgent: AlertsClient.userAgent))
        defer { curl.shutdown() }
        var options = AlertsClientOptions(
            alertsURL: server.baseURL + AlertsStandIn.alertsPath, token: Secret(ClientFixture.token))
        options.requestsPerSecond = 0
        let client = AlertsClient(options: options, curl: curl, logger: Logger(label: "test"))
        let alerts = (0..<250).map { JSONObject([("status", .string("ok")), ("host", .string("h\($0)"))]) }
        var results: [DeliveryResult] = []
        for start in stride(from: 0, to: alerts.count, by: 100) {
            results.append(
                await client.send(appKey: "k", alerts: Array(alerts[start..<min(start + 100, alerts.count)])))
        }
        #expect(results.allSatisfy { $0.outcome == .delivered })
        #expect(standIn.requestCount == 3)
        #expect(standIn.received.count == 250)
        let bad = await client.send(appKey: "unknown", alerts: [alert])
        #expect(bad.outcome == .permanent)
        #expect(bad.message?.contains("unknown app_key") == true)
    }
}
