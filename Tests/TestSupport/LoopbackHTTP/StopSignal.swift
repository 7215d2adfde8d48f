#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#elseif canImport(Darwin)
    import Darwin
#endif

/// A pipe that becomes readable, for good, when the server stops; threads wait on it with poll.
final class StopSignal: Sendable {
    /// The end to poll for readability.
    let readEnd: Int32
    private let writeEnd: Int32

    init() throws(LoopbackServerError) {
        var ends: [Int32] = [0, 0]
        guard pipe(&ends) == 0 else { throw .last("pipe") }
        for end in ends {
            _ = fcntl(end, F_SETFD, FD_CLOEXEC)
        }
        readEnd = ends[0]
        writeEnd = ends[1]
    }

    deinit {
        close(readEnd)
        close(writeEnd)
    }

    /// Makes the read end readable; nothing ever drains it.
    func fire() {
        var byte: UInt8 = 1
        _ = write(writeEnd, &byte, 1)
    }

    /// Waits up to `seconds`; returns true if the signal fired first.
    func wait(seconds: Double) -> Bool {
        let deadline = Self.now() + max(0, seconds)
        while true {
            let remaining = deadline - Self.now()
            if remaining <= 0 { return false }
            var entry = pollfd(fd: readEnd, events: Int16(POLLIN), revents: 0)
            let milliseconds = Int32(min((remaining * 1000).rounded(.up), Double(Int32.max)))
            let ready = poll(&entry, 1, milliseconds)
            if ready > 0 { return true }
            if ready < 0, errno != EINTR { return false }
        }
    }

    private static func now() -> Double {
        var time = timespec()
        clock_gettime(CLOCK_MONOTONIC, &time)
        return Double(time.tv_sec) + Double(time.tv_nsec) / 1e9
    }
}
