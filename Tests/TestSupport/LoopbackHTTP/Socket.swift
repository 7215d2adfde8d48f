#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#elseif canImport(Darwin)
    import Darwin
#endif

/// Thin wrappers over the socket calls the server makes.
enum Socket {
    #if canImport(Darwin)
        private static let streamType = SOCK_STREAM
        private static let noSignal: Int32 = 0
    #else
        private static let streamType = Int32(SOCK_STREAM.rawValue)
        private static let noSignal = Int32(MSG_NOSIGNAL)
    #endif

    /// A non-blocking, close-on-exec socket listening on 127.0.0.1:`port` (0 for any free port).
    static func makeListener(port: Int) throws(LoopbackServerError) -> Int32 {
        guard (0...65535).contains(port) else {
            throw LoopbackServerError(syscall: "bind", errorNumber: EINVAL)
        }
        let listener = socket(AF_INET, streamType, 0)
        guard listener >= 0 else { throw .last("socket") }
        do throws(LoopbackServerError) {
            try setCloseOnExec(listener)
            try setOption(listener, SOL_SOCKET, SO_REUSEADDR, 1, "setsockopt(SO_REUSEADDR)")
            var address = sockaddr_in()
            address.sin_family = sa_family_t(AF_INET)
            address.sin_port = in_port_t(UInt16(port)).bigEndian
            address.sin_addr.s_addr = in_addr_t(0x7F00_0001).bigEndian
            let bound = withUnsafePointer(to: &address) { pointer in
                pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                    bind(listener, $0, socklen_t(MemoryLayout<sockaddr_in>.size))
                }
            }
            guard bound == 0 else { throw LoopbackServerError.last("bind") }
            guard listen(listener, 1024) == 0 else { throw LoopbackServerError.last("listen") }
            guard fcntl(listener, F_SETFL, fcntl(listener, F_GETFL) | O_NONBLOCK) == 0 else {
                throw LoopbackServerError.last("fcntl(O_NONBLOCK)")
            }
            return listener
        } catch {
            close(listener)
            throw error
        }
    }

    /// The port `socket` is bound to.
    static func localPort(_ socket: Int32) throws(LoopbackServerError) -> Int {
        var address = sockaddr_in()
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let status = withUnsafeMutablePointer(to: &address) { pointer in
            pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(socket, $0, &length) }
        }
        guard status == 0 else { throw .last("getsockname") }
        return Int(UInt16(bigEndian: address.sin_port))
    }

    /// Accepts one pending connection as a blocking, close-on-exec socket with TCP_NODELAY; nil if none is ready.
    static func acceptConnection(_ listener: Int32) -> Int32? {
        let socket = accept(listener, nil, nil)
        guard socket >= 0 else { return nil }
        // Darwin passes O_NONBLOCK on to accepted sockets; Linux does not.
        _ = fcntl(socket, F_SETFL, fcntl(socket, F_GETFL) & ~O_NONBLOCK)
        try? setCloseOnExec(socket)
        // Without it, a small response after a small request waits ~40 ms for a delayed ACK.
        try? setOption(socket, Int32(IPPROTO_TCP), TCP_NODELAY, 1, "setsockopt(TCP_NODELAY)")
        return socket
    }

    /// Reads into `buffer`; returns the byte count, 0 at end of stream, or -1 on error.
    static func receive(_ socket: Int32, into buffer: UnsafeMutableRawBufferPointer) -> Int {
        while true {
            let count = recv(socket, buffer.baseAddress, buffer.count, 0)
            if count < 0, errno == EINTR { continue }
            return count
        }
    }

    /// Writes all of `bytes`; false if the peer went away.
    static func sendAll(_ socket: Int32, _ bytes: [UInt8]) -> Bool {
        bytes.withUnsafeBytes { buffer in
            var offset = 0
            while offset < buffer.count {
                let sent = send(socket, buffer.baseAddress.map { $0 + offset }, buffer.count - offset, noSignal)
                if sent < 0 {
                    if errno == EINTR { continue }
                    return false
                }
                offset += sent
            }
            return true
        }
    }

    /// Closes `socket` so the peer gets a TCP reset instead of an orderly end.
    static func resetAndClose(_ socket: Int32) {
        var option = linger(l_onoff: 1, l_linger: 0)
        _ = setsockopt(socket, SOL_SOCKET, SO_LINGER, &option, socklen_t(MemoryLayout<linger>.size))
        close(socket)
    }

    private static func setCloseOnExec(_ socket: Int32) throws(LoopbackServerError) {
        guard fcntl(socket, F_SETFD, FD_CLOEXEC) == 0 else { throw .last("fcntl(FD_CLOEXEC)") }
    }

    private static func setOption(
        _ socket: Int32, _ level: Int32, _ name: Int32, _ value: Int32, _ label: String
    ) throws(LoopbackServerError) {
        var value = value
        guard setsockopt(socket, level, name, &value, socklen_t(MemoryLayout<Int32>.size)) == 0 else {
            throw .last(label)
        }
    }
}
