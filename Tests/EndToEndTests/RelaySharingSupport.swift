import Curl
import Foundation
import Postgres
import Synchronization
import TestSupport

/// The forwards the BigPanda stand-in is handling: which events each request carries, and when it
/// began and ended, to find one event in two requests in flight at once.
final class Flights: Sendable {
    private struct Flight {
        var hosts: [String]
        var start: Double
        var end: Double?
    }

    private let flights = Mutex<[Flight]>([])

    /// Notes a request's start; returns its number, for `end`.
    func begin(_ request: ReceivedRequest) -> Int {
        let flight = Flight(hosts: Self.hosts(request), start: monotonicSeconds())
        return flights.withLock {
            $0.append(flight)
            return $0.count - 1
        }
    }

    /// Notes the end of request `number`.
    func end(_ number: Int) {
        let now = monotonicSeconds()
        flights.withLock { $0[number].end = now }
    }

    /// How many distinct requests were seen.
    var count: Int { flights.withLock { $0.count } }

    /// Events that were in two requests at once, both begun before `killed`.
    func overlapping(startedBefore killed: Double) -> [String] {
        let all = flights.withLock { $0 }.filter { $0.start < killed }
        var byHost: [String: [(Double, Double)]] = [:]
        for flight in all {
            for host in flight.hosts { byHost[host, default: []].append((flight.start, flight.end ?? .infinity)) }
        }
        var found: [String] = []
        for (host, spans) in byHost where spans.count > 1 {
            let sorted = spans.sorted { $0.0 < $1.0 }
            for index in 1..<sorted.count where sorted[index].0 < sorted[index - 1].1 { found.append(host) }
        }
        return found.sorted()
    }

    /// The `host` values of the alerts in a request's body.
    static func hosts(_ request: ReceivedRequest) -> [String] {
        let text = String(decoding: request.body, as: UTF8.self)
        var hosts: [String] = []
        var rest = text[...]
        while let range = rest.range(of: #""host":""#) {
            let after = rest[range.upperBound...]
            guard let close = after.firstIndex(of: "\"") else { break }
            hosts.append(String(after[..<close]))
            rest = after[close...]
        }
        return hosts
    }
}

/// A PostgreSQL server of one test's own (`Scripts/test-postgres.sh`), which it may stop and start
/// again under a relay.
final class PrivatePostgres: Sendable {
    /// The server's connection string.
    let conninfo: String
    /// Its directory (the `host=` of the string).
    let directory: String

    private static var script: String {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent("Scripts/test-postgres.sh").path
    }

    private init(conninfo: String) {
        self.conninfo = conninfo
        directory = String(conninfo.dropFirst(5).prefix { $0 != " " })
    }

    /// Starts a server, with a database of the test role's own for the ledger: the role has no SUPERUSER,
    /// so the `postgres` database's schema is not its to write, as on a real server.
    static func start() async throws -> PrivatePostgres {
        let result = try await Tool.run("/bin/bash", [script, "start"])
        let conninfo = result.stdout.trimmingCharacters(in: .whitespacesAndNewlines)
        guard result.code == 0, conninfo.hasPrefix("host=") else {
            throw RelayFailed(message: "test-postgres.sh start failed: \(result.stderr)")
        }
        try PostgresConnection(try PostgresConnectionString(conninfo)).execute("CREATE DATABASE ledger")
        return PrivatePostgres(conninfo: conninfo.replacingOccurrences(of: "dbname=postgres", with: "dbname=ledger"))
    }

    /// Stops the server (fast shutdown: sessions are ended), keeping its data.
    func pause() async throws {
        let result = try await Tool.run("/bin/bash", [Self.script, "pause", directory])
        guard result.code == 0 else { throw RelayFailed(message: "pause failed: \(result.stderr)") }
    }

    /// Starts the paused server again on the same socket and port.
    func resume() async throws {
        let result = try await Tool.run("/bin/bash", [Self.script, "resume", directory])
        guard result.code == 0 else { throw RelayFailed(message: "resume failed: \(result.stderr)") }
    }

    /// Stops the server and removes it.
    func stop() {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/bin/bash")
        process.arguments = [Self.script, "stop", directory]
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try? process.run()
        process.waitUntilExit()
    }
}

extension RelayProcess {
    /// This relay's own `logzio_resolver_relay_forwarded_alerts_total` (counted per process since it
    /// started), from `/metrics` with the relay token; nil when it cannot be read.
    func forwardedAlerts() async -> Int? {
        guard
            let response = try? await client.send(
                HTTPRequest(
                    method: "GET", url: baseURL + "/metrics",
                    headers: [HTTPHeader("Authorization", "Bearer \(RelayProcess.relayToken)")], timeout: .seconds(5))),
            response.status == 200
        else { return nil }
        let prefix = "logzio_resolver_relay_forwarded_alerts_total "
        let text = String(decoding: response.body, as: UTF8.self)
        return text.split(separator: "\n").first { $0.hasPrefix(prefix) }.flatMap {
            Double($0.dropFirst(prefix.count)).map { Int($0) }
        }
    }
}
