/// `CurlClientOptions` after validation, in the units libcurl takes.
struct ClientSettings: Sendable {
    let userAgent: String
    let connectTimeoutMilliseconds: Int
    let caFile: String?
    let maxConnectionsPerHost: Int

    init(validating options: CurlClientOptions) throws(CurlError) {
        guard RequestCheck.isFieldValue(options.userAgent) else {
            throw .invalidArgument("the user agent contains a line break or NUL")
        }
        guard options.connectTimeout > .zero else {
            throw .invalidArgument(
                "connectTimeout must be a positive number of seconds, not \(options.connectTimeout / .seconds(1))")
        }
        if let caFile = options.caFile {
            guard !caFile.isEmpty, !caFile.utf8.contains(0) else {
                throw .invalidArgument("caFile must be a non-empty path without NUL bytes")
            }
        }
        guard options.maxConnectionsPerHost >= 1 else {
            throw .invalidArgument("maxConnectionsPerHost must be at least 1, not \(options.maxConnectionsPerHost)")
        }
        userAgent = options.userAgent
        connectTimeoutMilliseconds = Self.milliseconds(options.connectTimeout)
        caFile = options.caFile
        maxConnectionsPerHost = options.maxConnectionsPerHost
    }

    /// Converts a positive span to the whole milliseconds libcurl takes, rounding up so a short timeout never
    /// becomes 0 ("none").
    static func milliseconds(_ span: Duration) -> Int {
        Int(max(1, min((span / .milliseconds(1)).rounded(.up), Double(Int32.max))))
    }
}
