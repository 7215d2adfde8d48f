internal import CCurl
import Redaction

/// A transport failure reported by libcurl, or by the client around it.
public struct CurlError: Error, Sendable, CustomStringConvertible {
    /// The libcurl interface whose code `code` is.
    public enum Domain: Sendable, Equatable {
        /// `code` is a CURLcode from an easy handle (a transfer).
        case easy
        /// `code` is a CURLMcode from the multi handle.
        case multi
    }

    /// The CURLcode, or the CURLMcode when `domain` is `.multi`.
    public var code: Int32
    /// Which libcurl interface `code` comes from.
    public var domain: Domain
    /// libcurl's error-buffer text if it wrote any, else the generic text for the code.
    public var message: String
    /// Whether the same request may succeed when sent again (connect, DNS, timeout, reset, partial or empty reply).
    public var isTransient: Bool

    /// Creates an error from its parts.
    public init(code: Int32, domain: Domain = .easy, message: String, isTransient: Bool) {
        self.code = code
        self.domain = domain
        self.message = message
        self.isTransient = isTransient
    }

    /// Whether the transfer ran out of time (CURLE_OPERATION_TIMEDOUT).
    public var isTimeout: Bool {
        domain == .easy && code == Self.value(CURLE_OPERATION_TIMEDOUT)
    }

    /// A one-line explanation, such as "curl error 7 (couldn't connect): Failed to connect to 127.0.0.1 port 9".
    public var description: String {
        switch domain {
        case .easy:
            return "curl error \(code) (\(Self.shortName(code))): \(message)"
        case .multi:
            return "curl multi error \(code) (\(Self.multiName(code))): \(message)"
        }
    }
}

extension CurlError {
    /// Makes the error for a transfer that ended with `code`, hiding every secret in `secrets`.
    init(code: CURLcode, errorBuffer: String, redacting secrets: [String]) {
        let text = errorBuffer.isEmpty ? Self.genericText(code) : errorBuffer
        self.init(code: Self.value(code), message: Self.redact(text, secrets), isTransient: Self.isTransient(code))
    }

    /// `text` with every occurrence of each secret replaced by `<redacted>`.
    static func redact(_ text: String, _ secrets: [String]) -> String {
        Redactor(secrets).redact(text)
    }

    /// Makes the error for a failed multi-interface call.
    init(multiCode: CURLMcode, during operation: String) {
        let generic = String(cString: curl_multi_strerror(multiCode))
        self.init(
            code: Int32(truncatingIfNeeded: multiCode.rawValue),
            domain: .multi,
            message: "\(operation): \(generic)",
            isTransient: false
        )
    }

    /// Makes an error for a transfer the client gave up before libcurl finished it.
    static func aborted(_ message: String) -> CurlError {
        CurlError(code: value(CURLE_ABORTED_BY_CALLBACK), message: message, isTransient: false)
    }

    /// Makes an error for a request or option the client refuses to hand to libcurl.
    static func invalidArgument(_ message: String) -> CurlError {
        CurlError(code: value(CURLE_BAD_FUNCTION_ARGUMENT), message: message, isTransient: false)
    }

    /// The error every transfer gets once the client is shut down.
    static let shutDown = aborted("the client was shut down before the transfer finished")

    /// The error a transfer gets when its task is cancelled.
    static let cancelled = aborted("the transfer was cancelled")

    static func value(_ code: CURLcode) -> Int32 {
        Int32(truncatingIfNeeded: code.rawValue)
    }

    static func genericText(_ code: CURLcode) -> String {
        String(cString: curl_easy_strerror(code))
    }

    /// Whether a retry can help: the failure is in the network or the peer, not in the request or the setup.
    static func isTransient(_ code: CURLcode) -> Bool {
        switch code {
        case CURLE_COULDNT_RESOLVE_PROXY, CURLE_COULDNT_RESOLVE_HOST, CURLE_COULDNT_CONNECT,
            CURLE_OPERATION_TIMEDOUT, CURLE_PARTIAL_FILE, CURLE_GOT_NOTHING,
            CURLE_SEND_ERROR, CURLE_RECV_ERROR, CURLE_HTTP2, CURLE_HTTP2_STREAM,
            CURLE_HTTP3, CURLE_QUIC_CONNECT_ERROR:
            return true
        case CURLE_SSL_CONNECT_ERROR:
            // A handshake cut short by a reset lands here; certificate problems have codes of their own.
            return true
        default:
            return false
        }
    }

    private static func shortName(_ code: Int32) -> String {
        let known: [(CURLcode, String)] = [
            (CURLE_UNSUPPORTED_PROTOCOL, "unsupported protocol"),
            (CURLE_FAILED_INIT, "failed to initialize"),
            (CURLE_URL_MALFORMAT, "malformed URL"),
            (CURLE_COULDNT_RESOLVE_PROXY, "couldn't resolve proxy"),
            (CURLE_COULDNT_RESOLVE_HOST, "couldn't resolve host"),
            (CURLE_COULDNT_CONNECT, "couldn't connect"),
            (CURLE_WEIRD_SERVER_REPLY, "weird server reply"),
            (CURLE_HTTP2, "HTTP/2 error"),
            (CURLE_PARTIAL_FILE, "partial response"),
            (CURLE_WRITE_ERROR, "write error"),
            (CURLE_OUT_OF_MEMORY, "out of memory"),
            (CURLE_OPERATION_TIMEDOUT, "timed out"),
            (CURLE_SSL_CONNECT_ERROR, "TLS connect error"),
            (CURLE_ABORTED_BY_CALLBACK, "aborted"),
            (CURLE_BAD_FUNCTION_ARGUMENT, "bad argument"),
            (CURLE_GOT_NOTHING, "empty reply"),
            (CURLE_SEND_ERROR, "send error"),
            (CURLE_RECV_ERROR, "receive error"),
            (CURLE_SSL_CERTPROBLEM, "bad client certificate"),
            (CURLE_PEER_FAILED_VERIFICATION, "TLS peer verification failed"),
            (CURLE_SSL_CACERT_BADFILE, "bad CA file"),
            (CURLE_HTTP2_STREAM, "HTTP/2 stream error"),
        ]
        if let name = known.first(where: { value($0.0) == code })?.1 {
            return name
        }
        return genericText(CURLcode(rawValue: UInt32(truncatingIfNeeded: code)))
    }

    private static func multiName(_ code: Int32) -> String {
        String(cString: curl_multi_strerror(CURLMcode(rawValue: code)))
    }
}
