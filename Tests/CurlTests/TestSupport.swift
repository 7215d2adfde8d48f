import Curl
import Foundation
import TestSupport

/// A thread-safe box the server handler writes into and the test reads.
final class Recorder<Value: Sendable>: @unchecked Sendable {
    private let lock = NSLock()
    private var stored: Value

    init(_ value: Value) {
        stored = value
    }

    var value: Value {
        lock.withLock { stored }
    }

    func update(_ change: (inout Value) -> Void) {
        lock.withLock { change(&stored) }
    }
}

enum Fixture {
    static let options = CurlClientOptions(userAgent: "logzio-resolver-tests/1.0", connectTimeout: 2)

    static func client(_ options: CurlClientOptions = options) throws -> CurlClient {
        try CurlClient(options: options)
    }

    /// Sends and returns the transport error, or nil if a response came back.
    static func failure(_ client: CurlClient, _ request: HTTPRequest) async -> CurlError? {
        do {
            _ = try await client.send(request)
            return nil
        } catch {
            return error
        }
    }

    /// Polls `condition` every few milliseconds until it holds or `timeout` passes.
    static func waitUntil(timeout: Duration = .seconds(15), _ condition: () -> Bool) async -> Bool {
        let deadline = ContinuousClock.now + timeout
        while !condition() {
            if ContinuousClock.now > deadline { return false }
            try? await Task.sleep(for: .milliseconds(5))
        }
        return true
    }

    /// A URL on 127.0.0.1 whose port nothing listens on.
    static func closedPortURL() throws -> String {
        let server = try LoopbackServer { _ in .status(200) }
        let url = server.baseURL + "/closed"
        server.stop()
        return url
    }
}
