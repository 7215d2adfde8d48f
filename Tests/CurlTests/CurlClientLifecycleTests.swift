import TestSupport
import Testing

@testable import Curl

@Suite("CurlClient shutdown and cancellation", .timingSensitive) struct CurlClientLifecycleTests {
    @Test("shutdown fails pending sends instead of hanging, and later sends fail at once")
    func shutdownFailsPending() async throws {
        let server = try LoopbackServer { _ in .hang }
        defer { server.stop() }
        let client = try Fixture.client()
        let tasks = (0..<3).map { _ in
            Task { await Fixture.failure(client, HTTPRequest(url: server.baseURL, timeout: .seconds(120))) }
        }
        #expect(
            try await eventually(15, every: .milliseconds(5)) { server.requestCount == 3 },
            "requests \(server.requestCount), connections \(server.acceptedConnectionCount)")
        let started = ContinuousClock.now

        client.shutdown()
        client.shutdown()

        for task in tasks {
            let error = try #require(await task.value)
            #expect(error.code == 42, "\(error)")
            #expect(!error.isTransient)
        }
        // The transfers would hang for 120 s; under 60 s proves they were aborted (the slack is for a loaded
        // 2-core machine, where the awaiting task can wait seconds for a pool thread).
        #expect(ContinuousClock.now - started < .seconds(60))
        let late = try #require(await Fixture.failure(client, HTTPRequest(url: server.baseURL)))
        #expect(late.message.contains("shut down"))
    }

    @Test("cancelling the calling task aborts its transfer")
    func cancellation() async throws {
        let server = try LoopbackServer { _ in .hang }
        defer { server.stop() }
        let client = try Fixture.client()
        defer { client.shutdown() }
        let task = Task { await Fixture.failure(client, HTTPRequest(url: server.baseURL, timeout: .seconds(120))) }
        #expect(
            try await eventually(15, every: .milliseconds(5)) { server.requestCount == 1 },
            "requests \(server.requestCount), connections \(server.acceptedConnectionCount)")
        let started = ContinuousClock.now

        task.cancel()

        let error = try #require(await task.value)
        #expect(error.code == 42)
        #expect(error.message.contains("cancelled"))
        // The transfers would hang for 120 s; under 60 s proves they were aborted (the slack is for a loaded
        // 2-core machine, where the awaiting task can wait seconds for a pool thread).
        #expect(ContinuousClock.now - started < .seconds(60))
    }

    @Test("a send from an already cancelled task fails without reaching the server")
    func alreadyCancelled() async throws {
        let server = try LoopbackServer { _ in .status(200) }
        defer { server.stop() }
        let client = try Fixture.client()
        defer { client.shutdown() }

        let task = Task {
            withUnsafeCurrentTask { $0?.cancel() }
            return await Fixture.failure(client, HTTPRequest(url: server.baseURL))
        }

        let error = try #require(await task.value)
        #expect(error.message.contains("cancelled"))
        #expect(server.requestCount == 0)
    }

    @Test("a client keeps working after one of its transfers failed")
    func recoversAfterFailure() async throws {
        let server = try LoopbackServer { request in request.path == "/reset" ? .reset : .json(200, "{}") }
        defer { server.stop() }
        let client = try Fixture.client()
        defer { client.shutdown() }

        let failed = await Fixture.failure(client, HTTPRequest(url: server.baseURL + "/reset"))
        let response = try await client.send(HTTPRequest(url: server.baseURL + "/ok"))

        #expect(failed?.isTransient == true)
        #expect(response.status == 200)
    }

    @Test(
        "credentials are redacted from error text",
        arguments: [
            ("Bearer abcd1234efgh", "echo: Bearer abcd1234efgh and abcd1234efgh", "echo: <redacted> and <redacted>"),
            ("Basic dXNlcjpwYXNz", "saw dXNlcjpwYXNz", "saw <redacted>"),
            ("token-without-scheme", "got token-without-scheme!", "got <redacted>!"),
        ])
    func redaction(_ authorization: String, _ text: String, _ expected: String) {
        let secrets = Transfer.secrets(in: [
            HTTPHeader("Content-Type", "x"), HTTPHeader("authorization", authorization),
        ])
        #expect(CurlError.redact(text, secrets) == expected)
    }
}
