internal import CCurl

/// Runs `curl_global_init` once per process, before the first handle is made.
enum CurlGlobal {
    // A global `let` is initialised once, thread-safely, on first use.
    private static let initCode: CURLcode = curl_global_init(Int(CURL_GLOBAL_DEFAULT))

    static func ensureInitialized() throws(CurlError) {
        let code = initCode
        guard code == CURLE_OK else {
            throw CurlError(code: code, errorBuffer: "curl_global_init failed", redacting: [])
        }
    }
}
