/// An HTTP request for `CurlClient.send(_:)`.
public struct HTTPRequest: Sendable {
    /// The request method, such as "POST" or "GET".
    public var method: String
    /// The absolute URL; only the http and https schemes are allowed.
    public var url: String
    /// Header fields sent in order after libcurl's own (a field here replaces libcurl's of the same name).
    public var headers: [HTTPHeader]
    /// The request body, sent as is.
    public var body: [UInt8]
    /// The limit for the whole transfer, from queueing to the last byte of the response.
    public var timeout: Duration

    /// Creates a request; the method defaults to POST and the timeout to 10 seconds.
    public init(
        method: String = "POST",
        url: String,
        headers: [HTTPHeader] = [],
        body: [UInt8] = [],
        timeout: Duration = .seconds(10)
    ) {
        self.method = method
        self.url = url
        self.headers = headers
        self.body = body
        self.timeout = timeout
    }
}
