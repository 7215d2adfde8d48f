import Curl
import TestSupport
import Testing

@Suite("CurlClient responses", .timingSensitive) struct CurlClientResponseTests {
    struct StatusCase: Sendable, CustomTestStringConvertible {
        var status: Int
        var headers: [HeaderField] = []
        var body: String
        var expectedBody: String
        var testDescription: String { "\(status)" }
    }

    static let statusCases: [StatusCase] = [
        StatusCase(status: 200, body: #"{"ok":true}"#, expectedBody: #"{"ok":true}"#),
        StatusCase(status: 201, body: #"{"id":"a1"}"#, expectedBody: #"{"id":"a1"}"#),
        StatusCase(status: 202, body: "queued", expectedBody: "queued"),
        // 204 has no body by definition: the server drops it and the client must see none.
        StatusCase(status: 204, body: "ignored", expectedBody: ""),
        StatusCase(
            status: 400, body: #"{"status":"failure","error":"invalid \"status\" at [3]"}"#,
            expectedBody: #"{"status":"failure","error":"invalid \"status\" at [3]"}"#
        ),
        StatusCase(status: 401, body: #"{"error":"bad token"}"#, expectedBody: #"{"error":"bad token"}"#),
        StatusCase(
            status: 429, headers: [HeaderField("Retry-After", "17")], body: "slow down", expectedBody: "slow down"
        ),
        StatusCase(status: 500, body: "boom", expectedBody: "boom"),
        StatusCase(
            status: 503, headers: [HeaderField("Retry-After", "3")], body: "maintenance", expectedBody: "maintenance"
        ),
    ]

    @Test("a status is a response, not an error, and its body and headers come back intact", arguments: statusCases)
    func statusComesBack(_ testCase: StatusCase) async throws {
        let server = try LoopbackServer { _ in
            .respond(
                status: testCase.status,
                headers: testCase.headers + [HeaderField("Content-Type", "application/json")],
                body: Array(testCase.body.utf8)
            )
        }
        defer { server.stop() }
        let client = try Fixture.client()
        defer { client.shutdown() }

        let response = try await client.send(HTTPRequest(url: server.baseURL + "/alerts", body: Array("{}".utf8)))

        #expect(response.status == testCase.status)
        #expect(String(decoding: response.body, as: UTF8.self) == testCase.expectedBody)
        #expect(response.header("content-type") == "application/json")
        for header in testCase.headers {
            #expect(response.header(header.name.uppercased()) == header.value)
        }
    }

    @Test("response headers keep their order and lookup returns the first match")
    func headerOrder() async throws {
        let server = try LoopbackServer { _ in
            .respond(
                status: 200,
                headers: [
                    HeaderField("X-Step", "one"), HeaderField("X-Other", "  padded  "), HeaderField("x-step", "two"),
                ],
                body: []
            )
        }
        defer { server.stop() }
        let client = try Fixture.client()
        defer { client.shutdown() }

        let response = try await client.send(HTTPRequest(method: "GET", url: server.baseURL))

        let steps = response.headers.filter { $0.name.lowercased() == "x-step" }.map(\.value)
        #expect(steps == ["one", "two"])
        #expect(response.header("X-STEP") == "one")
        #expect(response.header("x-other") == "padded")
        #expect(response.header("Content-Length") == "0")
        #expect(response.header("X-Missing") == nil)
    }
}
