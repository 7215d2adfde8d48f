import BigPanda
public import Redaction
import Staleness

/// How the relay listens, authenticates, records and forwards.
public struct RelayOptions: Sendable {
    /// The address to listen on, e.g. `127.0.0.1`.
    public var host: String
    /// The port to listen on; 0 picks a free one.
    public var port: Int
    /// The bearer token clients must send.
    public var token: Secret
    /// Whether accepted alerts are forwarded to BigPanda (`relay.forward`).
    public var forward: Bool
    /// The largest request body in bytes (`relay.max_body`).
    public var maxBody: Int
    /// The app key for alerts that carry none (`BIGPANDA_APP_KEY`, `bigpanda.app_key`).
    public var defaultAppKey: String?
    /// The most alerts in one forward request (`bigpanda.batch_size`).
    public var batchSize: Int
    /// Whether `GET /metrics` is served without the token (`relay.public_metrics`), default false.
    public var publicMetrics = false
    /// The span between heartbeats: `FeedLiveness.heartbeatPeriod`, which sweeps assume.
    public var heartbeatPeriod = FeedLiveness.heartbeatPeriod
    /// How long to wait before retrying after BigPanda refused the token.
    public var unauthorizedPause: Duration = .seconds(60)

    /// Creates options.
    public init(
        host: String, port: Int, token: Secret, forward: Bool, maxBody: Int, defaultAppKey: String?, batchSize: Int
    ) {
        self.host = host
        self.port = port
        self.token = token
        self.forward = forward
        self.maxBody = maxBody
        self.defaultAppKey = defaultAppKey
        self.batchSize = batchSize
    }

    /// Parses `HOST:PORT` (IPv6 as `[::1]:8787`).
    public static func parseListen(_ text: String) -> (host: String, port: Int)? {
        guard let colon = text.lastIndex(of: ":") else { return nil }
        var host = String(text[..<colon])
        guard let port = Int(text[text.index(after: colon)...]), (0...65_535).contains(port) else { return nil }
        if host.hasPrefix("["), host.hasSuffix("]") { host = String(host.dropFirst().dropLast()) }
        guard !host.isEmpty else { return nil }
        return (host, port)
    }
}
