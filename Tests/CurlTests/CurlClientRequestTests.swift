import Curl
import TestSupport
import Testing

@Suite("CurlClient requests", .timingSensitive) struct CurlClientRequestTests {
    @Test("method, path, headers and body arrive intact")
    func postArrivesIntact() async throws {
        let received = Recorder<ReceivedRequest?>(nil)
        let server = try LoopbackServer { request in
            received.update { $0 = request }
            return .json(201, "{}")
        }
        defer { server.stop() }
        let client = try Fixture.client()
        defer { client.shutdown() }
        // Over 1 KiB, with NUL and non-ASCII bytes: libcurl would otherwise send "Expect: 100-continue".
        let body =
            Array(#"{"status":"critical","host":"db-1","note":"é"}"#.utf8) + [0, 255]
            + Array(repeating: 120, count: 5000)

        let response = try await client.send(
            HTTPRequest(
                url: server.baseURL + "/data/v2/alerts?x=1",
                headers: [
                    HTTPHeader("Authorization", "Bearer 0123456789abcdef"),
                    HTTPHeader("Content-Type", "application/json"),
                    HTTPHeader("X-Empty", ""),
                ],
                body: body
            )
        )

        #expect(response.status == 201)
        let request = try #require(received.value)
        #expect(request.method == "POST")
        #expect(request.path == "/data/v2/alerts?x=1")
        #expect(request.header("authorization") == "Bearer 0123456789abcdef")
        #expect(request.header("Content-Type") == "application/json")
        #expect(request.header("User-Agent") == Fixture.options.userAgent)
        #expect(request.header("X-Empty") == "")
        #expect(request.header("Content-Length") == "\(body.count)")
        #expect(request.header("Expect") == nil)
        #expect(request.header("Accept-Encoding") == nil)
        #expect(request.body == body)
    }

    @Test("a POST without Content-Type is not labelled as a form")
    func noDefaultContentType() async throws {
        let received = Recorder<ReceivedRequest?>(nil)
        let server = try LoopbackServer { request in
            received.update { $0 = request }
            return .status(202)
        }
        defer { server.stop() }
        let client = try Fixture.client()
        defer { client.shutdown() }

        _ = try await client.send(HTTPRequest(url: server.baseURL, body: Array("x".utf8)))

        let request = try #require(received.value)
        #expect(request.header("Content-Type") == nil)
        #expect(request.body == Array("x".utf8))
    }

    @Test("a GET sends no body and a request header replaces the default User-Agent")
    func getHasNoBody() async throws {
        let received = Recorder<ReceivedRequest?>(nil)
        let server = try LoopbackServer { request in
            received.update { $0 = request }
            return .json(200, "[]")
        }
        defer { server.stop() }
        let client = try Fixture.client()
        defer { client.shutdown() }

        let response = try await client.send(
            HTTPRequest(method: "GET", url: server.baseURL + "/health", headers: [HTTPHeader("User-Agent", "probe")])
        )

        #expect(String(decoding: response.body, as: UTF8.self) == "[]")
        let request = try #require(received.value)
        #expect(request.method == "GET")
        #expect(request.header("Content-Length") == nil)
        #expect(request.header("User-Agent") == "probe")
        #expect(request.body.isEmpty)
    }

    @Test("other methods are sent as given", arguments: ["PUT", "PATCH", "DELETE"])
    func customMethod(_ method: String) async throws {
        let received = Recorder<ReceivedRequest?>(nil)
        let server = try LoopbackServer { request in
            received.update { $0 = request }
            return .status(204)
        }
        defer { server.stop() }
        let client = try Fixture.client()
        defer { client.shutdown() }

        let response = try await client.send(HTTPRequest(method: method, url: server.baseURL, body: Array("b".utf8)))

        #expect(response.status == 204)
        #expect(response.body.isEmpty)
        #expect(received.value?.method == method)
        #expect(received.value?.body == Array("b".utf8))
    }

    @Test("sequential requests reuse one keep-alive connection")
    func sequentialReuse() async throws {
        let server = try LoopbackServer { _ in .json(200, "{}") }
        defer { server.stop() }
        let client = try Fixture.client()
        defer { client.shutdown() }

        for _ in 0..<20 {
            let response = try await client.send(HTTPRequest(url: server.baseURL, body: Array("{}".utf8)))
            #expect(response.status == 200)
        }

        #expect(server.requestCount == 20)
        #expect(server.acceptedConnectionCount == 1)
    }

    @Test("200 concurrent sends all complete over at most maxConnectionsPerHost connections")
    func concurrentSends() async throws {
        let server = try LoopbackServer { request in
            .respond(status: 200, headers: [], body: request.body)
        }
        defer { server.stop() }
        let client = try Fixture.client()
        defer { client.shutdown() }

        let echoed = await withTaskGroup(of: Bool.self) { group in
            for index in 0..<200 {
                group.addTask {
                    let body = Array("request \(index)".utf8)
                    let response = try? await client.send(HTTPRequest(url: server.baseURL, body: body))
                    return response?.status == 200 && response?.body == body
                }
            }
            var echoed = 0
            for await ok in group where ok {
                echoed += 1
            }
            return echoed
        }

        #expect(echoed == 200)
        #expect(server.requestCount == 200)
        #expect(server.acceptedConnectionCount <= Fixture.options.maxConnectionsPerHost)
    }
}
