import Synchronization
import Threading

#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#elseif canImport(Darwin)
    import Darwin
#endif

/// The state the server's threads share: listener, handler, open sockets and connection threads.
final class ServerCore: Sendable {
    private struct State: Sendable {
        var stopping = false
        var nextID: UInt64 = 0
        var openSockets: Set<Int32> = []
        /// Running connection threads whose handle the accept thread has stored.
        var threads: [UInt64: ThreadHandle] = [:]
        /// Connection threads that ended before their handle was stored.
        var endedEarly: Set<UInt64> = []
        /// Ended connection threads still to be joined.
        var joinable: [ThreadHandle] = []
        var acceptedConnections = 0
        var requests = 0
    }

    let listener: Int32
    let handler: @Sendable (ReceivedRequest) -> Reply
    let stopSignal: StopSignal
    private let state = Mutex(State())

    init(listener: Int32, stopSignal: StopSignal, handler: @escaping @Sendable (ReceivedRequest) -> Reply) {
        self.listener = listener
        self.stopSignal = stopSignal
        self.handler = handler
    }

    var acceptedConnections: Int { state.withLock { $0.acceptedConnections } }
    var requests: Int { state.withLock { $0.requests } }

    func countRequest() {
        state.withLock { $0.requests += 1 }
    }

    /// Accepts connections until the stop signal fires, one thread per connection.
    func acceptLoop() {
        var entries = [
            pollfd(fd: listener, events: Int16(POLLIN), revents: 0),
            pollfd(fd: stopSignal.readEnd, events: Int16(POLLIN), revents: 0),
        ]
        while true {
            joinEnded()
            let ready = poll(&entries, 2, -1)
            if ready < 0 {
                if errno == EINTR { continue }
                return
            }
            if entries[1].revents != 0 { return }
            guard entries[0].revents != 0 else { continue }
            guard let socket = Socket.acceptConnection(listener) else {
                if errno == EMFILE || errno == ENFILE || errno == ENOBUFS || errno == ENOMEM {
                    // The listener stays readable; do not spin until descriptors free up.
                    _ = stopSignal.wait(seconds: 0.01)
                }
                continue
            }
            start(socket)
        }
    }

    private func start(_ socket: Int32) {
        let id: UInt64? = state.withLock { state in
            guard !state.stopping else { return nil }
            state.nextID += 1
            state.acceptedConnections += 1
            state.openSockets.insert(socket)
            return state.nextID
        }
        guard let id else {
            close(socket)
            return
        }
        do {
            let thread = try ThreadHandle.start { [self] in
                let ending = Connection(socket: socket, core: self).run()
                release(socket, id: id, ending: ending)
            }
            let endedAlready = state.withLock { state in
                if state.endedEarly.remove(id) != nil { return true }
                state.threads[id] = thread
                return false
            }
            if endedAlready {
                thread.join()
            }
        } catch {
            release(socket, id: id, ending: .close)
        }
    }

    /// Forgets `socket` and closes it; the thread serving it is about to end.
    private func release(_ socket: Int32, id: UInt64, ending: Connection.Ending) {
        // Forget the socket before closing it, so `stop` never shuts down a reused descriptor.
        state.withLock { state in
            state.openSockets.remove(socket)
            if let thread = state.threads.removeValue(forKey: id) {
                state.joinable.append(thread)
            } else {
                state.endedEarly.insert(id)
            }
        }
        switch ending {
        case .close:
            close(socket)
        case .reset:
            Socket.resetAndClose(socket)
        }
    }

    private func joinEnded() {
        let ended = state.withLock { state in
            defer { state.joinable.removeAll() }
            return state.joinable
        }
        for thread in ended {
            thread.join()
        }
    }

    /// Refuses new connections, shuts down open ones (waking blocked reads) and fires the stop signal.
    func beginStop() {
        state.withLock { state in
            state.stopping = true
            for socket in state.openSockets {
                _ = shutdown(socket, Int32(SHUT_RDWR))
            }
        }
        stopSignal.fire()
    }

    /// Joins every connection thread; call after the accept thread has ended.
    func joinConnections() {
        let threads = state.withLock { state in
            defer {
                state.threads.removeAll()
                state.joinable.removeAll()
            }
            return Array(state.threads.values) + state.joinable
        }
        for thread in threads {
            thread.join()
        }
    }
}
