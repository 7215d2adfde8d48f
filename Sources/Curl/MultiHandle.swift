internal import CCurl

/// Owns the libcurl multi handle shared by all transfers of one client.
///
/// Only `wakeUp()` may be called from any thread (libcurl documents `curl_multi_wakeup`
/// as thread-safe); everything else happens on the curl thread. The handle is freed
/// on deinit, after the curl thread has exited, so a late `wakeUp()` never touches
/// freed memory.
final class MultiHandle: @unchecked Sendable {
    /// The `CURLM *`.
    let raw: UnsafeMutableRawPointer

    init(maxConnectionsPerHost: Int) throws(CurlError) {
        guard let raw = curl_multi_init() else {
            throw CurlError(code: CURLE_FAILED_INIT, errorBuffer: "curl_multi_init failed", redacting: [])
        }
        self.raw = raw
        // libcurl's default cache size is four per easy handle attached at that moment, so when
        // a burst of transfers ends together it closes idle connections it will want again.
        let options = [
            (CURLMOPT_MAX_HOST_CONNECTIONS, maxConnectionsPerHost, "CURLMOPT_MAX_HOST_CONNECTIONS"),
            (CURLMOPT_MAXCONNECTS, max(16, maxConnectionsPerHost * 4), "CURLMOPT_MAXCONNECTS"),
        ]
        for (option, value, name) in options {
            let code = ccurl_multi_setopt_long(raw, option, value)
            guard code == CURLM_OK else {
                curl_multi_cleanup(raw)
                throw CurlError(multiCode: code, during: "setting \(name)")
            }
        }
    }

    deinit {
        curl_multi_cleanup(raw)
    }

    /// Makes a `curl_multi_poll` in progress (or the next one) return at once.
    func wakeUp() {
        _ = curl_multi_wakeup(raw)
    }
}
