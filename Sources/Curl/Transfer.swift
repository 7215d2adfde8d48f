internal import CCurl

/// One request in flight on the curl thread: its easy handle, header list and the response as it arrives.
final class Transfer {
    /// The largest response body kept in memory; a longer one fails the transfer with a write error.
    static let maxBodyBytes = 64 << 20

    let job: Job
    let easy: EasyHandle
    private var headerList: UnsafeMutablePointer<curl_slist>?
    private var responseHeaders: [HTTPHeader] = []
    private var responseBody: [UInt8] = []
    /// How many times libcurl was about to send this request.
    private var requestStarts = 0

    init(job: Job, easy: EasyHandle) {
        self.job = job
        self.easy = easy
    }

    deinit {
        curl_slist_free_all(headerList)
    }

    /// Sets every option for this request on the (freshly reset) easy handle.
    func configure(_ settings: ClientSettings) throws(CurlError) {
        let request = job.request
        try RequestCheck.validate(request)
        let context = Unmanaged.passUnretained(self).toOpaque()
        try easy.attachErrorBuffer()
        try easy.set(CURLOPT_NOSIGNAL, 1)
        try easy.set(CURLOPT_PRIVATE, pointer: context)
        try easy.set(CURLOPT_PROTOCOLS_STR, "http,https")
        try easy.set(CURLOPT_URL, request.url)
        try easy.set(CURLOPT_USERAGENT, settings.userAgent)
        try easy.set(CURLOPT_CONNECTTIMEOUT_MS, settings.connectTimeoutMilliseconds)
        try easy.set(CURLOPT_TIMEOUT_MS, ClientSettings.milliseconds(request.timeout))
        try easy.set(CURLOPT_SSL_VERIFYPEER, 1)
        try easy.set(CURLOPT_SSL_VERIFYHOST, 2)
        if let caFile = settings.caFile {
            try easy.set(CURLOPT_CAINFO, caFile)
        }
        try easy.set(CURLOPT_WRITEFUNCTION, callback: Self.receiveBody)
        try easy.set(CURLOPT_WRITEDATA, pointer: context)
        try easy.set(CURLOPT_HEADERFUNCTION, callback: Self.receiveHeader)
        try easy.set(CURLOPT_HEADERDATA, pointer: context)
        try easy.setBeforeRequest(Self.beforeRequest)
        try easy.set(CURLOPT_PREREQDATA, pointer: context)
        try configureMethod(request)
        try configureHeaders(request)
    }

    private func configureMethod(_ request: HTTPRequest) throws(CurlError) {
        switch request.method {
        case "GET" where request.body.isEmpty:
            try easy.set(CURLOPT_HTTPGET, 1)
        case "HEAD" where request.body.isEmpty:
            try easy.set(CURLOPT_NOBODY, 1)
        case "POST":
            try easy.setCopiedBody(request.body)
        default:
            if !request.body.isEmpty {
                try easy.setCopiedBody(request.body)
            }
            try easy.set(CURLOPT_CUSTOMREQUEST, request.method)
        }
    }

    private func configureHeaders(_ request: HTTPRequest) throws(CurlError) {
        var lines: [String] = []
        lines.reserveCapacity(request.headers.count + 2)
        for header in request.headers {
            // "Name:" would tell libcurl to drop the header; "Name;" sends it with an empty value.
            lines.append(header.value.isEmpty ? "\(header.name);" : "\(header.name): \(header.value)")
        }
        // libcurl waits up to a second for "100 Continue" before sending a body over 1 KiB.
        if request.headers.firstValue(named: "Expect") == nil {
            lines.append("Expect:")
        }
        // Without this, libcurl labels every body application/x-www-form-urlencoded.
        if request.headers.firstValue(named: "Content-Type") == nil {
            lines.append("Content-Type:")
        }
        for line in lines {
            guard let appended = curl_slist_append(headerList, line) else {
                throw CurlError(code: CURLE_OUT_OF_MEMORY, errorBuffer: "", redacting: [])
            }
            headerList = appended
        }
        try easy.set(CURLOPT_HTTPHEADER, list: headerList)
    }

    /// The outcome once libcurl reports the transfer done with `code`.
    func outcome(_ code: CURLcode) -> Result<HTTPResponse, CurlError> {
        if code == CURLE_ABORTED_BY_CALLBACK, requestStarts > 1 {
            return .failure(Self.resendRefused)
        }
        guard code == CURLE_OK else {
            return .failure(
                CurlError(code: code, errorBuffer: easy.errorText, redacting: Self.secrets(in: job.request.headers)))
        }
        return .success(HTTPResponse(status: easy.responseCode, headers: responseHeaders, body: responseBody))
    }

    /// Credentials in `headers` that must never show in an error message, longest first.
    static func secrets(in headers: [HTTPHeader]) -> [String] {
        var secrets: [String] = []
        for header in headers where header.hasName("Authorization") || header.hasName("Proxy-Authorization") {
            secrets.append(header.value)
            // "Bearer abc123" can be quoted as just "abc123".
            if let space = header.value.firstIndex(of: " ") {
                let credential = header.value[header.value.index(after: space)...]
                if credential.count >= 4 {
                    secrets.append(String(credential))
                }
            }
        }
        return secrets.sorted { $0.count > $1.count }
    }

    /// The error of a request whose kept-alive connection died before any answer, once libcurl's own
    /// re-send was refused: transient, so the caller retries it as an attempt it counts and paces.
    static let resendRefused = CurlError(
        code: CurlError.value(CURLE_GOT_NOTHING),
        message: "the kept-alive connection closed before any answer (libcurl's silent re-send was refused)",
        isTransient: true)

    /// Lets the first request go and refuses any other. libcurl calls this before every request it puts on
    /// the wire; a second call means it is about to re-send on its own, because a reused connection died
    /// before any answer. Refusing keeps one `send` equal to one request, so callers count and pace all.
    private static let beforeRequest: curl_prereq_callback = { context, _, _, _, _ in
        guard let context else { return CURL_PREREQFUNC_ABORT }
        let transfer = Unmanaged<Transfer>.fromOpaque(context).takeUnretainedValue()
        transfer.requestStarts += 1
        return transfer.requestStarts == 1 ? CURL_PREREQFUNC_OK : CURL_PREREQFUNC_ABORT
    }

    private static let receiveBody: curl_write_callback = { data, size, count, context in
        guard let data, let context else { return 0 }
        let transfer = Unmanaged<Transfer>.fromOpaque(context).takeUnretainedValue()
        let length = size * count
        guard transfer.responseBody.count + length <= maxBodyBytes else { return 0 }
        transfer.responseBody.append(contentsOf: UnsafeRawBufferPointer(start: data, count: length))
        return length
    }

    private static let receiveHeader: curl_write_callback = { data, size, count, context in
        guard let data, let context else { return 0 }
        let transfer = Unmanaged<Transfer>.fromOpaque(context).takeUnretainedValue()
        let length = size * count
        transfer.receiveHeaderLine(UnsafeRawBufferPointer(start: data, count: length))
        return length
    }

    private func receiveHeaderLine(_ bytes: UnsafeRawBufferPointer) {
        var end = bytes.count
        while end > 0, bytes[end - 1] == UInt8(ascii: "\n") || bytes[end - 1] == UInt8(ascii: "\r") {
            end -= 1
        }
        guard end > 0 else { return }
        let line = UnsafeRawBufferPointer(rebasing: bytes[0..<end])
        if line.starts(with: "HTTP/".utf8) {
            // A new status line: an interim (1xx) response or a redirect precedes the final one.
            responseHeaders.removeAll(keepingCapacity: true)
            return
        }
        if line[0] == UInt8(ascii: " ") || line[0] == UInt8(ascii: "\t") {
            guard !responseHeaders.isEmpty else { return }
            let folded = Self.trimmed(line, from: 0, to: line.count)
            responseHeaders[responseHeaders.count - 1].value += " " + folded
            return
        }
        guard let colon = line.firstIndex(of: UInt8(ascii: ":")) else { return }
        responseHeaders.append(
            HTTPHeader(Self.trimmed(line, from: 0, to: colon), Self.trimmed(line, from: colon + 1, to: line.count))
        )
    }

    private static func trimmed(_ line: UnsafeRawBufferPointer, from start: Int, to end: Int) -> String {
        var lower = start
        var upper = end
        while lower < upper, line[lower] == UInt8(ascii: " ") || line[lower] == UInt8(ascii: "\t") {
            lower += 1
        }
        while upper > lower, line[upper - 1] == UInt8(ascii: " ") || line[upper - 1] == UInt8(ascii: "\t") {
            upper -= 1
        }
        return String(decoding: UnsafeRawBufferPointer(rebasing: line[lower..<upper]), as: UTF8.self)
    }
}
