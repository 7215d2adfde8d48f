import Curl
import TestSupport
import Testing

@Suite("CurlClient transport failures", .timingSensitive) struct CurlClientFailureTests {
    @Test("a connection reset is a transient error", arguments: [Reply.reset, .resetBeforeBody])
    func reset(_ reply: Reply) async throws {
        let server = try LoopbackServer { _ in reply }
        defer { server.stop() }
        let client = try Fixture.client()
        defer { client.shutdown() }

        let error = try #require(await Fixture.failure(client, HTTPRequest(url: server.baseURL, body: [1, 2, 3])))

        #expect(error.isTransient)
        #expect([52, 55, 56].contains(error.code), "\(error)")
        #expect(error.domain == .easy)
    }

    @Test("a kept-alive connection that dies before any answer costs one request, never a silent re-send")
    func deadReusedConnectionIsNotResent() async throws {
        let requests = Recorder(0)
        let server = try LoopbackServer { _ in
            var number = 0
            requests.update {
                $0 += 1
                number = $0
            }
            // The first answer leaves the connection open; the second request on it gets a reset.
            return number == 1 ? .status(200) : number == 2 ? .reset : .status(201)
        }
        defer { server.stop() }
        let client = try Fixture.client()
        defer { client.shutdown() }

        let first = try await client.send(HTTPRequest(url: server.baseURL, body: [1]))
        #expect(first.status == 200)
        let error = try #require(await Fixture.failure(client, HTTPRequest(url: server.baseURL, body: [2])))
        #expect(error.isTransient, "the caller can retry it as an attempt of its own")
        #expect(error.code == 52, "\(error)")
        #expect(requests.value == 2, "libcurl re-sent the request on its own")
        let third = try await client.send(HTTPRequest(url: server.baseURL, body: [3]))
        #expect(third.status == 201)
        #expect(requests.value == 3)
    }

    @Test("a truncated response is a transient error")
    func truncated() async throws {
        let server = try LoopbackServer { _ in .truncated(status: 200, body: Array("{\"par".utf8)) }
        defer { server.stop() }
        let client = try Fixture.client()
        defer { client.shutdown() }

        let error = try #require(await Fixture.failure(client, HTTPRequest(url: server.baseURL)))

        #expect(error.isTransient)
        #expect(error.code == 18, "\(error)")
    }

    @Test("a server slower than the timeout gives a transient timeout within about the timeout")
    func timeout() async throws {
        let server = try LoopbackServer { _ in .delay(seconds: 60, then: .json(200, "{}")) }
        defer { server.stop() }
        let client = try Fixture.client()
        defer { client.shutdown() }
        let started = ContinuousClock.now

        let error = try #require(
            await Fixture.failure(client, HTTPRequest(url: server.baseURL, timeout: .milliseconds(300))))

        let elapsed = ContinuousClock.now - started
        #expect(error.isTimeout)
        #expect(error.isTransient)
        #expect(error.code == 28)
        #expect(elapsed >= .milliseconds(250))
        // The server would answer after 60 s. Under 30 s proves the 0.3 s timeout fired; the slack is for
        // a loaded 2-core CI machine, where resuming the awaiting task can wait seconds for a pool thread
        // that other tests' synchronous work holds.
        #expect(elapsed < .seconds(30))
    }

    @Test("a refused connection is transient and its message never shows the Authorization header")
    func refused() async throws {
        let url = try Fixture.closedPortURL()
        let client = try Fixture.client()
        defer { client.shutdown() }

        let error = try #require(
            await Fixture.failure(
                client, HTTPRequest(url: url, headers: [HTTPHeader("Authorization", "Bearer sekrit-token-42")])
            )
        )

        // Usually 7 (couldn't connect). Tests run in parallel, so another test may have bound the freed port
        // meanwhile, and the error is then a reset or an empty reply; it must be transient either way.
        #expect([7, 52, 55, 56].contains(error.code), "\(error)")
        #expect(error.isTransient)
        #expect(error.description.hasPrefix("curl error \(error.code) ("))
        #expect(!error.description.contains("sekrit"))
    }

    @Test(
        "a URL libcurl will not fetch is a permanent error",
        arguments: [
            ("ftp://127.0.0.1/file", Int32(1)),
            ("gopher://127.0.0.1/", Int32(1)),
            ("http://", Int32(3)),
            ("http://exa mple.com/", Int32(3)),
        ]
    )
    func badURL(_ url: String, _ code: Int32) async throws {
        let client = try Fixture.client()
        defer { client.shutdown() }

        let error = try #require(await Fixture.failure(client, HTTPRequest(url: url)))

        #expect(error.code == code, "\(error)")
        #expect(!error.isTransient)
    }

    @Test(
        "a request that would inject or truncate header lines is refused before sending",
        arguments: [
            HTTPRequest(url: "http://127.0.0.1:1/", headers: [HTTPHeader("X-A", "1\r\nX-Injected: 2")]),
            HTTPRequest(url: "http://127.0.0.1:1/", headers: [HTTPHeader("Bad Name", "1")]),
            HTTPRequest(method: "PO ST", url: "http://127.0.0.1:1/"),
            HTTPRequest(url: "http://127.0.0.1:1/", timeout: .zero),
            HTTPRequest(url: "http://127.0.0.1:1/\0x"),
        ]
    )
    func invalidRequest(_ request: HTTPRequest) async throws {
        let client = try Fixture.client()
        defer { client.shutdown() }

        let error = try #require(await Fixture.failure(client, request))

        #expect(error.code == 43, "\(error)")
        #expect(!error.isTransient)
    }

    @Test("invalid options are rejected when the client is made")
    func invalidOptions() {
        for options in [
            CurlClientOptions(userAgent: "a", maxConnectionsPerHost: 0),
            CurlClientOptions(userAgent: "a", connectTimeout: .seconds(0)),
            CurlClientOptions(userAgent: "a\nb"),
        ] {
            #expect(throws: CurlError.self) { try CurlClient(options: options) }
        }
    }
}
