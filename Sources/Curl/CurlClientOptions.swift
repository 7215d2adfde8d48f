/// Settings shared by every transfer of one `CurlClient`.
public struct CurlClientOptions: Sendable {
    /// The User-Agent header value sent with every request.
    public var userAgent: String
    /// The limit for establishing a connection, TLS included; default 5 s.
    public var connectTimeout: Duration
    /// A PEM file of CA certificates used instead of the system store; TLS is always verified.
    public var caFile: String?
    /// The most connections kept open to one host; transfers beyond it wait for a free connection; default 4.
    public var maxConnectionsPerHost: Int

    /// Creates options; only the User-Agent has no default.
    public init(
        userAgent: String, connectTimeout: Duration = .seconds(5), caFile: String? = nil, maxConnectionsPerHost: Int = 4
    ) {
        self.userAgent = userAgent
        self.connectTimeout = connectTimeout
        self.caFile = caFile
        self.maxConnectionsPerHost = maxConnectionsPerHost
    }
}
