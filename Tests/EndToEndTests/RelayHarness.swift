import Curl
import Foundation
import TestSupport
import Testing

/// A relay process on a free loopback port, with a client to post to it.
final class RelayProcess: @unchecked Sendable {
    static let relayToken = "relay-e2e-token-5d1c7b"

    let scenario: Scenario
    let port: Int
    let process = Process()
    let client: CurlClient
    let stderrFile: String

    var baseURL: String { "http://127.0.0.1:\(port)" }

    private init(scenario: Scenario, environment extra: [String: String?], port: Int?) throws {
        self.scenario = scenario
        self.port = try port ?? freePort()
        client = try CurlClient(options: CurlClientOptions(userAgent: "relay-e2e"))
        var environment = scenario.environment
        environment["LOGZIO_RESOLVER_RELAY_TOKEN"] = RelayProcess.relayToken
        for (key, value) in extra { environment[key] = value }
        process.executableURL = URL(fileURLWithPath: Binary.path)
        process.arguments = ["relay", "--listen", "127.0.0.1:\(self.port)"]
        process.environment = environment
        process.currentDirectoryURL = URL(fileURLWithPath: scenario.directory)
        stderrFile = scenario.directory + "/relay-\(self.port)-\(UUID().uuidString.prefix(6)).err"
        _ = FileManager.default.createFile(atPath: stderrFile, contents: nil)
        process.standardError = FileHandle(forWritingAtPath: stderrFile)
        process.standardOutput = FileHandle.nullDevice
        try ProcessLaunch.run(process)
    }

    /// Starts a relay and waits until `/healthz` answers 200.
    static func start(scenario: Scenario, environment: [String: String?] = [:], port: Int? = nil) async throws
        -> RelayProcess
    {
        let relay = try RelayProcess(scenario: scenario, environment: environment, port: port)
        try await relay.waitUntilHealthy()
        return relay
    }

    deinit {
        if process.isRunning {
            kill(process.processIdentifier, SIGKILL)
            process.waitUntilExit()
        }
        client.shutdown()
    }

    var stderr: String { (try? String(contentsOfFile: stderrFile, encoding: .utf8)) ?? "" }

    private func waitUntilHealthy() async throws {
        let deadline = Date().addingTimeInterval(20)
        while Date() < deadline {
            if !process.isRunning {
                throw RelayFailed(message: "the relay exited \(process.terminationStatus): \(stderr)")
            }
            if let response = try? await client.send(
                HTTPRequest(method: "GET", url: baseURL + "/healthz", timeout: .seconds(1))),
                response.status == 200
            {
                return
            }
            try await Task.sleep(for: .milliseconds(50))
        }
        throw RelayFailed(message: "the relay did not become healthy: \(stderr)")
    }

    /// Posts a body with the relay token (or `token`) and a content type; returns status and body.
    func post(_ body: String, token: String? = RelayProcess.relayToken, contentType: String = "application/json")
        async throws -> (Int, String)
    {
        var headers = [HTTPHeader("Content-Type", contentType)]
        if let token { headers.append(HTTPHeader("Authorization", "Bearer \(token)")) }
        let response = try await client.send(
            HTTPRequest(
                method: "POST", url: baseURL + "/data/v2/alerts", headers: headers, body: Array(body.utf8),
                timeout: .seconds(10))
        )
        return (response.status, String(decoding: response.body, as: UTF8.self))
    }

    func health() async throws -> [String: Any] {
        let response = try await client.send(
            HTTPRequest(method: "GET", url: baseURL + "/healthz", timeout: .seconds(5)))
        return try jsonObject(String(decoding: response.body, as: UTF8.self))
    }

    /// Polls `/healthz` until `outbox_depth` is 0, at most `seconds`; returns whether it got there.
    func waitForEmptyOutbox(seconds: Double) async throws -> Bool {
        let deadline = Date().addingTimeInterval(seconds)
        while Date() < deadline {
            if let depth = try? await health()["outbox_depth"] as? Int, depth == 0 { return true }
            try await Task.sleep(for: .milliseconds(50))
        }
        return false
    }

    /// Sends SIGTERM and returns the exit status.
    func terminate() -> Int32 {
        kill(process.processIdentifier, SIGTERM)
        process.waitUntilExit()
        return process.terminationStatus
    }

    func killHard() {
        kill(process.processIdentifier, SIGKILL)
        process.waitUntilExit()
    }
}

struct RelayFailed: Error, CustomStringConvertible {
    var message: String
    var description: String { message }
}

/// A free TCP port on 127.0.0.1 (bound, read and released).
func freePort() throws -> Int {
    let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
    defer { close(fd) }
    var address = sockaddr_in()
    address.sin_family = sa_family_t(AF_INET)
    address.sin_addr.s_addr = inet_addr("127.0.0.1")
    address.sin_port = 0
    var length = socklen_t(MemoryLayout<sockaddr_in>.size)
    let bound = withUnsafePointer(to: &address) {
        $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, length) }
    }
    guard bound == 0 else { throw RelayFailed(message: "bind failed") }
    _ = withUnsafeMutablePointer(to: &address) {
        $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(fd, $0, &length) }
    }
    return Int(UInt16(bigEndian: address.sin_port))
}
