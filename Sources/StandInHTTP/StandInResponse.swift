/// A stand-in's answer to a request: a status, header fields and a body, for any transport to send.
public struct StandInResponse: Sendable {
    /// The HTTP status.
    public var status: Int
    /// The header fields, Content-Length excluded (the transport sets it).
    public var headers: [(name: String, value: String)]
    /// The body.
    public var body: [UInt8]

    /// Creates a response from its parts.
    public init(status: Int, headers: [(name: String, value: String)] = [], body: [UInt8] = []) {
        self.status = status
        self.headers = headers
        self.body = body
    }

    /// A response with a JSON body `text` and Content-Type application/json.
    public static func json(_ status: Int, _ text: String) -> StandInResponse {
        StandInResponse(status: status, headers: [("Content-Type", "application/json")], body: Array(text.utf8))
    }
}
