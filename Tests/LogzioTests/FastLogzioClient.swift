import Curl
import Logging
import Logzio
import Redaction

/// A Logz.io client for the tests: a fast backoff (20 ms to 100 ms), a short retry budget and no logging.
enum FastLogzioClient {
    /// A curl client and a Logz.io client on `apiURL`; shut the curl client down when done.
    static func make(apiURL: String, token: String, retryBudget: Double, timeout: Double) throws -> (
        curl: CurlClient, client: LogzioClient
    ) {
        let curl = try CurlClient(options: CurlClientOptions(userAgent: "logzio-resolver-tests"))
        let options = LogzioClientOptions(
            apiURL: apiURL, token: Secret(token), timeout: .seconds(timeout),
            retryBudget: .seconds(retryBudget), backoffBase: .milliseconds(20), backoffCap: .milliseconds(100))
        let client = LogzioClient(
            options: options, curl: curl, logger: Logger(label: "logzio-test") { _ in SwiftLogNoOpLogHandler() })
        return (curl, client)
    }
}
