internal import CCurl

/// Owns one libcurl easy handle and the error buffer libcurl writes into it.
///
/// Only the curl thread touches an instance. Handles are reset and reused across
/// transfers, which spares libcurl's per-handle allocations.
final class EasyHandle {
    /// The `CURL *`.
    let raw: UnsafeMutableRawPointer
    private let errorBuffer: UnsafeMutablePointer<CChar>

    /// Creates a handle, or returns nil when libcurl cannot allocate one.
    init?() {
        guard let raw = curl_easy_init() else { return nil }
        self.raw = raw
        errorBuffer = .allocate(capacity: Int(CURL_ERROR_SIZE))
        errorBuffer.initialize(repeating: 0, count: Int(CURL_ERROR_SIZE))
    }

    deinit {
        curl_easy_cleanup(raw)
        errorBuffer.deallocate()
    }

    /// Clears every option, so no pointer into a finished transfer stays set; connections stay cached in the multi handle.
    func reset() {
        curl_easy_reset(raw)
        errorBuffer[0] = 0
    }

    /// Points libcurl at this handle's error buffer; needed after every reset.
    func attachErrorBuffer() throws(CurlError) {
        errorBuffer[0] = 0
        try check(ccurl_easy_setopt_pointer(raw, CURLOPT_ERRORBUFFER, errorBuffer))
    }

    /// The text libcurl left in the error buffer, without the trailing newline; empty if none.
    var errorText: String {
        var text = String(cString: errorBuffer)
        while let last = text.last, last.isNewline {
            text.removeLast()
        }
        return text
    }

    /// The status code of the last response received, or 0 if none.
    var responseCode: Int {
        var code = 0
        guard ccurl_easy_getinfo_long(raw, CURLINFO_RESPONSE_CODE, &code) == CURLE_OK else { return 0 }
        return code
    }

    func set(_ option: CURLoption, _ value: Int) throws(CurlError) {
        try check(ccurl_easy_setopt_long(raw, option, value))
    }

    func set(_ option: CURLoption, _ value: String) throws(CurlError) {
        try check(ccurl_easy_setopt_string(raw, option, value))
    }

    func set(_ option: CURLoption, offset value: Int64) throws(CurlError) {
        try check(ccurl_easy_setopt_off_t(raw, option, curl_off_t(value)))
    }

    func set(_ option: CURLoption, pointer value: UnsafeMutableRawPointer?) throws(CurlError) {
        try check(ccurl_easy_setopt_pointer(raw, option, value))
    }

    func set(_ option: CURLoption, list value: UnsafeMutablePointer<curl_slist>?) throws(CurlError) {
        try check(ccurl_easy_setopt_slist(raw, option, value))
    }

    func set(_ option: CURLoption, callback value: curl_write_callback) throws(CurlError) {
        try check(ccurl_easy_setopt_write_callback(raw, option, value))
    }

    /// Sets the callback libcurl calls each time it is about to send the request (CURLOPT_PREREQFUNCTION).
    func setBeforeRequest(_ value: curl_prereq_callback) throws(CurlError) {
        try check(ccurl_easy_setopt_prereq_callback(raw, value))
    }

    /// Copies `body` into libcurl (CURLOPT_COPYPOSTFIELDS), which also makes the request a POST.
    func setCopiedBody(_ body: [UInt8]) throws(CurlError) {
        try set(CURLOPT_POSTFIELDSIZE_LARGE, offset: Int64(body.count))
        let code = body.withUnsafeBufferPointer { buffer -> CURLcode in
            // An empty array may have no storage; libcurl still needs a valid pointer.
            var empty: UInt8 = 0
            guard let base = buffer.baseAddress else {
                return ccurl_easy_setopt_pointer(raw, CURLOPT_COPYPOSTFIELDS, &empty)
            }
            return ccurl_easy_setopt_pointer(raw, CURLOPT_COPYPOSTFIELDS, UnsafeMutableRawPointer(mutating: base))
        }
        try check(code)
    }

    private func check(_ code: CURLcode) throws(CurlError) {
        guard code == CURLE_OK else {
            throw CurlError(code: code, errorBuffer: "", redacting: [])
        }
    }
}
