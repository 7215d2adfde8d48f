/// Serialises response heads and bodies.
enum ResponseBytes {
    /// A complete response; statuses that forbid a body (1xx, 204, 304) get neither body nor Content-Length.
    static func response(
        status: Int, headers: [HeaderField], body: [UInt8], headOnly: Bool, close: Bool
    ) -> [UInt8] {
        let bodyless = (100..<200).contains(status) || status == 204 || status == 304
        var bytes = head(status: status, headers: headers, contentLength: bodyless ? nil : body.count, close: close)
        if !bodyless, !headOnly {
            bytes.append(contentsOf: body)
        }
        return bytes
    }

    /// A status line and header fields, Content-Length and Connection set by the server, and the blank line.
    static func head(status: Int, headers: [HeaderField], contentLength: Int?, close: Bool) -> [UInt8] {
        var text = "HTTP/1.1 \(status) \(reason(status))\r\n"
        for header in headers where !header.hasName("Content-Length") && !header.hasName("Connection") {
            text += "\(header.name): \(header.value)\r\n"
        }
        if let contentLength {
            text += "Content-Length: \(contentLength)\r\n"
        }
        if close {
            text += "Connection: close\r\n"
        }
        text += "\r\n"
        return Array(text.utf8)
    }

    static func reason(_ status: Int) -> String {
        switch status {
        case 100: "Continue"
        case 200: "OK"
        case 201: "Created"
        case 202: "Accepted"
        case 204: "No Content"
        case 301: "Moved Permanently"
        case 302: "Found"
        case 304: "Not Modified"
        case 400: "Bad Request"
        case 401: "Unauthorized"
        case 403: "Forbidden"
        case 404: "Not Found"
        case 405: "Method Not Allowed"
        case 408: "Request Timeout"
        case 413: "Content Too Large"
        case 415: "Unsupported Media Type"
        case 422: "Unprocessable Content"
        case 429: "Too Many Requests"
        case 431: "Request Header Fields Too Large"
        case 500: "Internal Server Error"
        case 501: "Not Implemented"
        case 502: "Bad Gateway"
        case 503: "Service Unavailable"
        case 504: "Gateway Timeout"
        case 505: "HTTP Version Not Supported"
        default: "Status \(status)"
        }
    }
}
