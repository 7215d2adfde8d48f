/// What the loopback server does with a request: answer it, or misbehave in a chosen way.
public indirect enum Reply: Sendable {
    /// Answers with `status`, `headers` and `body`, adds Content-Length and keeps the connection open.
    case respond(status: Int, headers: [HeaderField], body: [UInt8])
    /// Closes the connection with a TCP reset (SO_LINGER 0) after reading the whole request, answering nothing.
    case reset
    /// Closes with a TCP reset without answering.
    ///
    /// The handler only ever sees complete requests, so the body has been read by
    /// then and on the wire this matches `reset`; it exists so tests can say which
    /// failure they simulate.
    case resetBeforeBody
    /// Answers with `status` and a Content-Length larger than `body`, sends `body`, then closes.
    case truncated(status: Int, body: [UInt8])
    /// Waits `seconds` (cut short when the server stops), then does `then`.
    case delay(seconds: Double, then: Reply)
    /// Never answers; keeps the connection open until the client closes it or the server stops.
    case hang

    /// A response with a JSON body `text` and Content-Type application/json.
    public static func json(_ status: Int, _ text: String) -> Reply {
        .respond(status: status, headers: [HeaderField("Content-Type", "application/json")], body: Array(text.utf8))
    }

    /// A response with `status`, optional extra headers and no body.
    public static func status(_ status: Int, headers: [HeaderField] = []) -> Reply {
        .respond(status: status, headers: headers, body: [])
    }
}
