/// Serves one accepted connection on its own thread: read a request, ask the handler, act on the reply, repeat.
struct Connection {
    /// How a connection ends.
    enum Ending {
        case close
        case reset
    }

    let socket: Int32
    let core: ServerCore

    func run() -> Ending {
        let reader = RequestReader(socket: socket)
        while true {
            switch reader.next() {
            case .closed:
                return .close
            case .invalid(let status):
                let bytes = ResponseBytes.response(status: status, headers: [], body: [], headOnly: false, close: true)
                _ = Socket.sendAll(socket, bytes)
                return .close
            case .request(let request, let keepAlive):
                core.countRequest()
                let reply = core.handler(request)
                if let ending = perform(reply, for: request, keepAlive: keepAlive) {
                    return ending
                }
            }
        }
    }

    /// Acts on `reply`; returns how to end the connection, or nil to read the next request.
    private func perform(_ reply: Reply, for request: ReceivedRequest, keepAlive: Bool) -> Ending? {
        switch reply {
        case .respond(let status, let headers, let body):
            let bytes = ResponseBytes.response(
                status: status, headers: headers, body: body, headOnly: request.method == "HEAD", close: !keepAlive
            )
            guard Socket.sendAll(socket, bytes), keepAlive else { return .close }
            return nil
        case .reset, .resetBeforeBody:
            return .reset
        case .truncated(let status, let body):
            var bytes = ResponseBytes.head(status: status, headers: [], contentLength: body.count + 100, close: true)
            bytes.append(contentsOf: body)
            _ = Socket.sendAll(socket, bytes)
            return .close
        case .delay(let seconds, let next):
            if core.stopSignal.wait(seconds: seconds) {
                return .close
            }
            return perform(next, for: request, keepAlive: keepAlive)
        case .hang:
            drainUntilClosed()
            return .close
        }
    }

    /// Reads and discards until the client closes or the server shuts the socket down.
    private func drainUntilClosed() {
        let scratch = UnsafeMutableRawBufferPointer.allocate(byteCount: 4096, alignment: 1)
        defer { scratch.deallocate() }
        while Socket.receive(socket, into: scratch) > 0 {}
    }
}
