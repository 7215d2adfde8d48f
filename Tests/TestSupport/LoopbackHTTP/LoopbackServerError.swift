#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#elseif canImport(Darwin)
    import Darwin
#endif

/// A system call the loopback server needed failed.
public struct LoopbackServerError: Error, Sendable, CustomStringConvertible {
    /// The failing call, such as "bind".
    public var syscall: String
    /// The errno value it left.
    public var errorNumber: Int32

    /// Creates an error for `syscall` failing with `errorNumber`.
    public init(syscall: String, errorNumber: Int32) {
        self.syscall = syscall
        self.errorNumber = errorNumber
    }

    /// A line such as "bind failed: Address already in use (errno 98)".
    public var description: String {
        "\(syscall) failed: \(String(cString: strerror(errorNumber))) (errno \(errorNumber))"
    }

    /// The error for `syscall` and the current errno.
    static func last(_ syscall: String) -> LoopbackServerError {
        LoopbackServerError(syscall: syscall, errorNumber: errno)
    }
}
