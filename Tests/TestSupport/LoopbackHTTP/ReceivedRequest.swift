/// A request as the loopback server read it, handed to the server's handler.
public struct ReceivedRequest: Sendable {
    /// The method, such as "POST".
    public var method: String
    /// The request target as sent, query included, such as "/data/v2/alerts".
    public var path: String
    /// The header fields in the order received.
    public var headers: [HeaderField]
    /// The body, read according to Content-Length.
    public var body: [UInt8]

    /// Creates a request from its parts.
    public init(method: String, path: String, headers: [HeaderField], body: [UInt8]) {
        self.method = method
        self.path = path
        self.headers = headers
        self.body = body
    }

    /// The value of the first header field named `name`, compared case-insensitively.
    public func header(_ name: String) -> String? {
        headers.firstValue(named: name)
    }
}
