import Curl
import StandInHTTP
import StandInServer
import Synchronization
import TestSupport
import Testing

/// A service that records what it was asked and answers with a fixed response.
final class EchoService: StandInService {
    private let seen = Mutex<[(number: Int, request: StandInRequest)]>([])
    private let count = Mutex(0)

    /// Every request answered, with its number.
    var requests: [(number: Int, request: StandInRequest)] { seen.withLock { $0 } }

    func admit() -> Int {
        count.withLock { count in
            count += 1
            return count
        }
    }

    func answer(_ request: StandInRequest, number: Int) -> StandInResponse {
        seen.withLock { $0.append((number, request)) }
        return StandInResponse(
            status: 418, headers: [("Content-Type", "text/plain"), ("X-Request-Number", String(number))],
            body: Array("you sent \(request.body.count) bytes".utf8))
    }
}

/// The demo's transport: requests reach the stand-in's logic whole, and its answers come back as given.
@Suite(.timingSensitive) struct StandInServerTests {
    @Test func passesRequestsAndAnswersThrough() async throws {
        let service = EchoService()
        let curl = try CurlClient(options: CurlClientOptions(userAgent: "stand-in-server-test"))
        defer { curl.shutdown() }
        let url = try await StandInServer.run(serving: service) { server in
            #expect(server.port > 0)
            #expect(server.baseURL == "http://127.0.0.1:\(server.port)")
            let response = try await curl.send(
                HTTPRequest(
                    method: "POST", url: server.baseURL + "/data/v2/alerts?x=1%202",
                    headers: [HTTPHeader("Authorization", "Bearer t"), HTTPHeader("Content-Type", "application/json")],
                    body: Array(#"{"a":1}"#.utf8), timeout: .seconds(5)))
            #expect(response.status == 418)
            #expect(response.header("x-request-number") == "1")
            #expect(response.header("Content-Type") == "text/plain")
            #expect(String(decoding: response.body, as: UTF8.self) == "you sent 7 bytes")
            let second = try await curl.send(
                HTTPRequest(method: "GET", url: server.baseURL + "/", timeout: .seconds(5)))
            #expect(second.header("X-Request-Number") == "2")
            return server.baseURL
        }
        let requests = service.requests
        #expect(requests.map(\.number) == [1, 2])
        let first = try #require(requests.first?.request)
        #expect(first.method == "POST")
        #expect(first.path == "/data/v2/alerts?x=1%202")
        #expect(first.header("authorization") == "Bearer t")
        #expect(String(decoding: first.body, as: UTF8.self) == #"{"a":1}"#)
        // Once the body returns, the server no longer listens.
        await #expect(throws: CurlError.self) {
            _ = try await curl.send(HTTPRequest(method: "GET", url: url + "/", timeout: .seconds(2)))
        }
    }

    @Test func aPortInUseIsACannotStartError() async throws {
        try await StandInServer.run(serving: EchoService()) { server in
            await #expect(throws: StandInServerError.self) {
                try await StandInServer.run(serving: EchoService(), port: server.port) { _ in }
            }
        }
    }

    @Test func theBodysErrorComesThroughUnchanged() async throws {
        struct Marker: Error {}
        await #expect(throws: Marker.self) {
            try await StandInServer.run(serving: EchoService()) { _ in throw Marker() }
        }
    }
}
