import Foundation

/// One kept-alive TCP connection to the relay, driven by blocking calls on a thread of its own.
final class KeptAlive: @unchecked Sendable {
    let fd: Int32

    private init(fd: Int32) {
        self.fd = fd
    }

    /// Connects to 127.0.0.1:`port` and runs `body` off the test pool; closes the connection after.
    static func run(port: Int, _ body: @escaping @Sendable (KeptAlive) -> String) async throws -> String {
        try await withCheckedThrowingContinuation { continuation in
            let thread = Thread {
                let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
                var address = sockaddr_in()
                address.sin_family = sa_family_t(AF_INET)
                address.sin_addr.s_addr = inet_addr("127.0.0.1")
                address.sin_port = UInt16(port).bigEndian
                let connected = withUnsafePointer(to: &address) {
                    $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                        connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size))
                    }
                }
                guard fd >= 0, connected == 0 else {
                    if fd >= 0 { close(fd) }
                    continuation.resume(throwing: RelayFailed(message: "cannot connect: errno \(errno)"))
                    return
                }
                let connection = KeptAlive(fd: fd)
                let text = body(connection)
                close(fd)
                continuation.resume(returning: text)
            }
            thread.start()
        }
    }

    func write(_ bytes: [UInt8]) {
        var offset = 0
        while offset < bytes.count {
            let sent = bytes[offset...].withUnsafeBytes { send(fd, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
            if sent <= 0 { return }
            offset += sent
        }
    }

    /// Everything the server sends until it closes the connection or `timeout` seconds pass.
    func readUntilClosed(timeout: Double) -> String {
        var limit = timeval(tv_sec: Int(timeout), tv_usec: 0)
        setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &limit, socklen_t(MemoryLayout<timeval>.size))
        var received: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 16_384)
        while true {
            let count = buffer.withUnsafeMutableBytes { recv(fd, $0.baseAddress, $0.count, 0) }
            if count <= 0 { break }
            received += buffer[0..<count]
        }
        return String(decoding: received, as: UTF8.self)
    }
}
