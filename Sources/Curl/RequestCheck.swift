/// Rejects requests libcurl would mangle: a NUL would cut a C string short, a line break would inject headers.
enum RequestCheck {
    static func validate(_ request: HTTPRequest) throws(CurlError) {
        guard isToken(request.method) else {
            throw .invalidArgument("the request method \"\(request.method)\" is not an HTTP token")
        }
        guard !request.url.utf8.contains(0) else {
            throw .invalidArgument("the URL contains a NUL byte")
        }
        guard request.timeout > .zero else {
            throw .invalidArgument(
                "the request timeout must be a positive number of seconds, not \(request.timeout / .seconds(1))")
        }
        for header in request.headers {
            guard isToken(header.name) else {
                throw .invalidArgument("the header name \"\(header.name)\" is not an HTTP token")
            }
            // The value is not quoted: it may be a credential.
            guard isFieldValue(header.value) else {
                throw .invalidArgument("the value of header \(header.name) contains a line break or NUL")
            }
        }
    }

    /// Whether `text` is a non-empty RFC 9110 token (method names, header names).
    static func isToken(_ text: String) -> Bool {
        !text.isEmpty && text.utf8.allSatisfy(isTokenByte)
    }

    /// Whether `text` can go on a header line as is.
    static func isFieldValue(_ text: String) -> Bool {
        !text.utf8.contains { $0 == 0 || $0 == UInt8(ascii: "\r") || $0 == UInt8(ascii: "\n") }
    }

    private static func isTokenByte(_ byte: UInt8) -> Bool {
        switch byte {
        case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"),
            UInt8(ascii: "0")...UInt8(ascii: "9"):
            return true
        default:
            return "!#$%&'*+-.^_`|~".utf8.contains(byte)
        }
    }
}
