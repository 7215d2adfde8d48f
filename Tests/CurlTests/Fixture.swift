import Curl
import TestSupport

/// The client options, client and helpers the Curl tests share.
enum Fixture {
    static let options = CurlClientOptions(userAgent: "logzio-resolver-tests/1.0", connectTimeout: .seconds(2))

    static func client(_ options: CurlClientOptions = options) throws -> CurlClient {
        try CurlClient(options: options)
    }

    /// Sends and returns the transport error, or nil if a response came back.
    static func failure(_ client: CurlClient, _ request: HTTPRequest) async -> CurlError? {
        do {
            _ = try await client.send(request)
            return nil
        } catch {
            return error
        }
    }

    /// A URL on 127.0.0.1 whose port nothing listens on.
    static func closedPortURL() throws -> String {
        let server = try LoopbackServer { _ in .status(200) }
        let url = server.baseURL + "/closed"
        server.stop()
        return url
    }
}
