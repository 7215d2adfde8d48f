/// An HTTP response with any status: only transport failures are errors.
public struct HTTPResponse: Sendable {
    /// The status code of the final response, such as 200 or 429.
    public var status: Int
    /// The header fields of the final response, in the order received.
    public var headers: [HTTPHeader]
    /// The response body, as received.
    public var body: [UInt8]

    /// Creates a response from its parts.
    public init(status: Int, headers: [HTTPHeader], body: [UInt8]) {
        self.status = status
        self.headers = headers
        self.body = body
    }

    /// Returns the value of the first header field named `name`, compared case-insensitively.
    public func header(_ name: String) -> String? {
        headers.firstValue(named: name)
    }
}
