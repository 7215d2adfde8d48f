import HTTPTypes
import Hummingbird
import Logging
import NIOCore
import ServiceLifecycle
public import StandInHTTP

/// Serves a stand-in's logic over HTTP/1.1 with Hummingbird, on 127.0.0.1, for as long as a body runs.
public struct StandInServer: Sendable {
    /// The largest request body it reads; a stand-in's requests are small.
    static let maxBodySize = 16 << 20

    /// The port the server listens on.
    public let port: Int

    /// The URL of the server's root, such as "http://127.0.0.1:8123".
    public var baseURL: String { "http://127.0.0.1:\(port)" }

    /// Serves `service` on 127.0.0.1:`port` (0 picks a free port) while `body` runs, then shuts the
    /// server down, finishing requests in flight. Throws `StandInServerError` when the server cannot
    /// start, and whatever `body` throws.
    @discardableResult
    public static func run<Value>(
        serving service: any StandInService, port: Int = 0, _ body: (StandInServer) async throws -> Value
    ) async throws -> Value {
        let quiet = Logger(label: "stand-in") { _ in SwiftLogNoOpLogHandler() }
        let (bound, boundContinuation) = AsyncStream.makeStream(of: Int.self)
        let app = Application(
            responder: CallbackResponder<BasicRequestContext> { request, _ in
                try await respond(service, request)
            },
            configuration: ApplicationConfiguration(address: .hostname("127.0.0.1", port: port), serverName: nil),
            onServerRunning: { channel in
                boundContinuation.yield(channel.localAddress?.port ?? port)
                boundContinuation.finish()
            },
            logger: quiet
        )
        let group = ServiceGroup(configuration: ServiceGroupConfiguration(services: [app], logger: quiet))
        return try await withThrowingTaskGroup(of: Void.self) { tasks in
            tasks.addTask {
                defer { boundContinuation.finish() }
                try await group.run()
            }
            var ports = bound.makeAsyncIterator()
            guard let listening = await ports.next() else {
                // The server ended before it listened; its error says why.
                do {
                    try await tasks.waitForAll()
                } catch {
                    throw StandInServerError.cannotStart("\(error)")
                }
                throw StandInServerError.cannotStart("the server stopped before it listened")
            }
            let result: Result<Value, any Error>
            do {
                result = .success(try await body(StandInServer(port: listening)))
            } catch {
                result = .failure(error)
            }
            await group.triggerGracefulShutdown()
            // Once the body is done, how the server ended no longer matters.
            try? await tasks.waitForAll()
            return try result.get()
        }
    }

    /// Hands one Hummingbird request to `service` and its answer back.
    private static func respond(_ service: any StandInService, _ request: Request) async throws -> Response {
        var request = request
        let buffer = try await request.collectBody(upTo: maxBodySize)
        let standInRequest = StandInRequest(
            method: request.method.rawValue,
            path: request.head.path ?? "/",
            headers: request.headers.map { ($0.name.rawName, $0.value) },
            body: Array(buffer.readableBytesView)
        )
        let answer = service.respond(to: standInRequest)
        var headers = HTTPFields()
        for (name, value) in answer.headers {
            if let name = HTTPField.Name(name) {
                headers.append(HTTPField(name: name, value: value))
            }
        }
        return Response(
            status: HTTPResponse.Status(code: answer.status),
            headers: headers,
            body: ResponseBody(byteBuffer: ByteBuffer(bytes: answer.body))
        )
    }
}
