public import Foundation

/// Reads a pipe to its end. Foundation's `readDataToEndOfFile` traps when a signal interrupts its
/// `read` (EINTR), which a test process running many children at once can see; this retries instead.
public func readToEnd(_ handle: FileHandle) -> Data {
    readToEnd(handle.fileDescriptor)
}

/// Reads a descriptor to its end, retrying after a signal (EINTR).
public func readToEnd(_ descriptor: Int32) -> Data {
    var data = Data()
    var buffer = [UInt8](repeating: 0, count: 65_536)
    while true {
        let count = buffer.withUnsafeMutableBytes { read(descriptor, $0.baseAddress, $0.count) }
        if count < 0, errno == EINTR { continue }
        if count <= 0 { break }
        data.append(contentsOf: buffer[0..<count])
    }
    return data
}

/// Serializes `Process.run()`: Foundation's launch is not safe to run on several threads at once (a
/// crash inside it was seen with many end-to-end tests starting children together). Only the launch is
/// serialized; the children run and are waited for in parallel.
public enum ProcessLaunch {
    /// Held while a child is launched.
    public static let lock = NSLock()

    /// Starts `process`, one launch at a time.
    public static func run(_ process: Process) throws {
        lock.lock()
        defer { lock.unlock() }
        try process.run()
    }
}

/// Writes all of `bytes` to a pipe, retrying after a signal (EINTR) where `FileHandle.write` traps.
public func writeAll(_ bytes: [UInt8], to handle: FileHandle) {
    writeAll(bytes, to: handle.fileDescriptor)
}

/// Writes all of `bytes` to a descriptor, retrying after a signal (EINTR).
public func writeAll(_ bytes: [UInt8], to descriptor: Int32) {
    var offset = 0
    while offset < bytes.count {
        let count = bytes[offset...].withUnsafeBytes { write(descriptor, $0.baseAddress, $0.count) }
        if count < 0, errno == EINTR { continue }
        if count <= 0 { return }
        offset += count
    }
}
