/// The request line and header fields of one request, parsed.
struct RequestHead {
    /// An HTTP status that rejects a malformed head.
    struct Rejection: Error {
        let code: Int
    }

    var method: String
    var target: String
    var headers: [HeaderField]
    var contentLength: Int
    var keepAlive: Bool
    var expectsContinue: Bool

    /// Parses `bytes`, the head without its final blank line.
    static func parse(_ bytes: UnsafeRawBufferPointer) -> Result<RequestHead, Rejection> {
        var lines = bytes.split(separator: 10, omittingEmptySubsequences: false).map { line in
            line.last == 13 ? line.dropLast() : line
        }
        guard !lines.isEmpty else { return .failure(Rejection(code: 400)) }
        let requestLine = lines.removeFirst().split(separator: 32)
        guard requestLine.count == 3 else { return .failure(Rejection(code: 400)) }
        let method = String(decoding: requestLine[0], as: UTF8.self)
        let target = String(decoding: requestLine[1], as: UTF8.self)
        let version = String(decoding: requestLine[2], as: UTF8.self)
        guard version == "HTTP/1.1" || version == "HTTP/1.0" else { return .failure(Rejection(code: 505)) }

        var headers: [HeaderField] = []
        headers.reserveCapacity(lines.count)
        for line in lines {
            guard let colon = line.firstIndex(of: UInt8(ascii: ":")), colon > line.startIndex,
                line.first != 32, line.first != 9
            else { return .failure(Rejection(code: 400)) }
            headers.append(HeaderField(trimmed(line[..<colon]), trimmed(line[(colon + 1)...])))
        }
        guard headers.firstValue(named: "Transfer-Encoding") == nil else { return .failure(Rejection(code: 501)) }

        var contentLength = 0
        var lengthSeen: String?
        for header in headers where header.hasName("Content-Length") {
            guard let length = Int(header.value), length >= 0, lengthSeen == nil || lengthSeen == header.value else {
                return .failure(Rejection(code: 400))
            }
            contentLength = length
            lengthSeen = header.value
        }

        let connection = headers.firstValue(named: "Connection")?.lowercased() ?? ""
        let keepAlive = version == "HTTP/1.1" ? !connection.contains("close") : connection.contains("keep-alive")
        let expectsContinue = headers.firstValue(named: "Expect")?.lowercased() == "100-continue"
        return .success(
            RequestHead(
                method: method, target: target, headers: headers, contentLength: contentLength,
                keepAlive: keepAlive, expectsContinue: expectsContinue
            )
        )
    }

    private static func trimmed(_ bytes: Slice<UnsafeRawBufferPointer>) -> String {
        var lower = bytes.startIndex
        var upper = bytes.endIndex
        while lower < upper, bytes[lower] == 32 || bytes[lower] == 9 {
            lower += 1
        }
        while upper > lower, bytes[upper - 1] == 32 || bytes[upper - 1] == 9 {
            upper -= 1
        }
        return String(decoding: bytes[lower..<upper], as: UTF8.self)
    }
}
