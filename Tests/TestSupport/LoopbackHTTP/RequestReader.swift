/// Reads HTTP/1.1 requests, one after another, off one connection.
final class RequestReader {
    /// What reading the next request produced.
    enum Outcome {
        /// A complete request, and whether the client wants the connection kept open after it.
        case request(ReceivedRequest, keepAlive: Bool)
        /// The client closed the connection (or it failed) between or during requests.
        case closed
        /// The request is malformed or too large; answer `status` and close.
        case invalid(status: Int)
    }

    static let maxHeadBytes = 64 << 10
    static let maxBodyBytes = 64 << 20
    private static let readChunk = 16 << 10
    private static let headEnd: [UInt8] = Array("\r\n\r\n".utf8)

    private let socket: Int32
    private let buffer = ByteBuffer(capacity: 16 << 10)
    /// How many readable bytes were already searched for the end of the head.
    private var scanned = 0

    init(socket: Int32) {
        self.socket = socket
    }

    /// Reads the next request: its head, then a Content-Length body.
    func next() -> Outcome {
        var headLength = 0
        while true {
            if let length = findHeadEnd() {
                headLength = length
                break
            }
            if buffer.readableCount > Self.maxHeadBytes {
                return .invalid(status: 431)
            }
            if buffer.fill(minimum: Self.readChunk, { Socket.receive(socket, into: $0) }) <= 0 {
                return .closed
            }
        }
        let head: RequestHead
        switch RequestHead.parse(UnsafeRawBufferPointer(rebasing: buffer.readable[0..<(headLength - 4)])) {
        case .success(let parsed):
            head = parsed
        case .failure(let status):
            return .invalid(status: status.code)
        }
        buffer.consume(headLength)
        scanned = 0
        guard head.contentLength <= Self.maxBodyBytes else {
            return .invalid(status: 413)
        }
        if head.expectsContinue, buffer.readableCount < head.contentLength {
            guard Socket.sendAll(socket, Array("HTTP/1.1 100 Continue\r\n\r\n".utf8)) else { return .closed }
        }
        while buffer.readableCount < head.contentLength {
            let missing = head.contentLength - buffer.readableCount
            if buffer.fill(minimum: min(missing, 1 << 20), { Socket.receive(socket, into: $0) }) <= 0 {
                return .closed
            }
        }
        let body = Array(buffer.readable[0..<head.contentLength])
        buffer.consume(head.contentLength)
        let request = ReceivedRequest(method: head.method, path: head.target, headers: head.headers, body: body)
        return .request(request, keepAlive: head.keepAlive)
    }

    /// The length of the head including its blank line, once all of it has arrived.
    private func findHeadEnd() -> Int? {
        let bytes = buffer.readable
        guard bytes.count >= 4 else { return nil }
        var index = max(0, scanned - 3)
        while index <= bytes.count - 4 {
            if bytes[index] == 13, bytes[index + 1] == 10, bytes[index + 2] == 13, bytes[index + 3] == 10 {
                return index + 4
            }
            index += 1
        }
        scanned = bytes.count
        return nil
    }
}
