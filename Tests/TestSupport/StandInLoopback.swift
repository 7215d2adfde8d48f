public import StandInHTTP

/// Serves a stand-in's logic over LoopbackHTTP, so a test can script wire-level faults (resets,
/// truncated answers, hangs) in place of the stand-in's answer.
public final class StandInLoopback: Sendable {
    /// A scripted override: given the request number (from 1) and the request, a reply to send
    /// instead of the stand-in's answer (a fault: 500, 429 with Retry-After, a reset, a hang), or nil.
    public typealias Script = @Sendable (_ number: Int, _ request: ReceivedRequest) -> Reply?

    private let server: LoopbackServer

    /// Starts serving `service` on 127.0.0.1 (an ephemeral port unless `port` is given), asking
    /// `script` first about every request.
    public init(serving service: any StandInService, port: Int = 0, script: Script? = nil) throws {
        server = try LoopbackServer(port: port) { request in
            let number = service.admit()
            if let reply = script?(number, request) { return reply }
            let answer = service.answer(
                StandInRequest(
                    method: request.method, path: request.path,
                    headers: request.headers.map { ($0.name, $0.value) }, body: request.body),
                number: number)
            return .respond(
                status: answer.status, headers: answer.headers.map { HeaderField($0.name, $0.value) },
                body: answer.body)
        }
    }

    /// The URL of the server's root, such as "http://127.0.0.1:8123".
    public var baseURL: String { server.baseURL }

    /// Stops the server.
    public func stop() {
        server.stop()
    }
}
