import Synchronization
import Threading

#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#elseif canImport(Darwin)
    import Darwin
#endif

/// A small HTTP/1.1 server on 127.0.0.1 that answers each request with what its handler returns.
///
/// It serves each connection on a thread of its own, keeps connections alive, and reads
/// Content-Length bodies (not chunked ones). The tests serve the stand-ins over it, to script wire faults.
public final class LoopbackServer: Sendable {
    /// The port the server listens on.
    public let port: Int
    private let core: ServerCore
    private let acceptThread: ThreadHandle
    private let stopped = Mutex(false)

    /// Starts listening on 127.0.0.1:`port` (0 picks a free port) and serves every request with `handler`.
    public init(port: Int = 0, handler: @escaping @Sendable (ReceivedRequest) -> Reply) throws(LoopbackServerError) {
        let stopSignal = try StopSignal()
        let listener = try Socket.makeListener(port: port)
        let core = ServerCore(listener: listener, stopSignal: stopSignal, handler: handler)
        do {
            self.port = try Socket.localPort(listener)
        } catch {
            close(listener)
            throw error
        }
        do {
            acceptThread = try ThreadHandle.start { core.acceptLoop() }
        } catch {
            close(listener)
            throw LoopbackServerError(syscall: "pthread_create", errorNumber: error.errorNumber)
        }
        self.core = core
    }

    deinit {
        stop()
    }

    /// The URL of the server's root, such as "http://127.0.0.1:8123".
    public var baseURL: String { "http://127.0.0.1:\(port)" }

    /// How many connections the server has accepted so far.
    public var acceptedConnectionCount: Int { core.acceptedConnections }

    /// How many requests the server has handed to its handler so far.
    public var requestCount: Int { core.requests }

    /// Closes the listener and every connection, and waits for all server threads; later calls do nothing.
    public func stop() {
        stopped.withLock { stopped in
            guard !stopped else { return }
            stopped = true
            core.beginStop()
            acceptThread.join()
            core.joinConnections()
            close(core.listener)
        }
    }
}
