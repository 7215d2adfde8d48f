#if canImport(Glibc)
    import Glibc
#endif

/// The node_exporter textfile: rewritten whole, atomically, after each run.
public enum MetricsFile {
    /// Writes `text` to `path` atomically: a temporary file beside it, fsync, then rename.
    public static func write(_ text: String, to path: String) throws(MetricsFileError) {
        let temporary = path + ".tmp.\(getpid())"
        let fd = open(temporary, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o644)
        guard fd >= 0 else { throw MetricsFileError(path: path, reason: String(cString: strerror(errno))) }
        var bytes = Array(text.utf8)
        var offset = 0
        while offset < bytes.count {
            let written = bytes.withUnsafeMutableBytes {
                Glibc.write(fd, $0.baseAddress?.advanced(by: offset), $0.count - offset)
            }
            if written < 0 {
                if errno == EINTR { continue }
                let reason = String(cString: strerror(errno))
                close(fd)
                unlink(temporary)
                throw MetricsFileError(path: path, reason: reason)
            }
            offset += written
        }
        fsync(fd)
        close(fd)
        guard rename(temporary, path) == 0 else {
            let reason = String(cString: strerror(errno))
            unlink(temporary)
            throw MetricsFileError(path: path, reason: reason)
        }
        bytes.removeAll()
    }
}
