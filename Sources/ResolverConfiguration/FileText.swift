#if canImport(Glibc)
    import Glibc
#endif

/// Reads small text files (the config and token files) with the system's own error messages.
enum FileText {
    /// The file's contents as UTF-8, or the reason it cannot be read (e.g. "No such file or directory").
    static func read(_ path: String) -> Result<String, FileReadError> {
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { return .failure(FileReadError(reason: String(cString: strerror(errno)))) }
        defer { close(fd) }
        var bytes: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 16_384)
        while true {
            let count = buffer.withUnsafeMutableBytes { Glibc.read(fd, $0.baseAddress, $0.count) }
            if count < 0 {
                if errno == EINTR { continue }
                return .failure(FileReadError(reason: String(cString: strerror(errno))))
            }
            if count == 0 { break }
            bytes.append(contentsOf: buffer[0..<count])
            if bytes.count > 16 << 20 { return .failure(FileReadError(reason: "larger than 16 MiB")) }
        }
        guard let text = String(validating: bytes, as: UTF8.self) else {
            return .failure(FileReadError(reason: "not valid UTF-8"))
        }
        return .success(text)
    }
}

/// Why a file could not be read.
struct FileReadError: Error, CustomStringConvertible {
    var reason: String
    var description: String { reason }
}
