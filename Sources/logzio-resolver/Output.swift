import Alerts
import Redaction

#if canImport(Glibc)
    import Glibc
#endif

/// Writes to stdout and stderr without Foundation, redacting every secret `Redactor.shared` knows.
enum Output {
    /// Writes text to stdout, secrets redacted.
    static func stdout(_ text: String) {
        var text = Redactor.shared.redact(text)
        text.withUTF8 { buffer in writeAll(1, buffer) }
    }

    /// Writes one line to stdout.
    static func line(_ text: String) {
        stdout(text + "\n")
    }

    /// Writes one line to stderr, secrets redacted.
    static func stderr(_ text: String) {
        var text = Redactor.shared.redact(text) + "\n"
        text.withUTF8 { buffer in writeAll(2, buffer) }
    }

    private static func writeAll(_ fd: Int32, _ buffer: UnsafeBufferPointer<UInt8>) {
        guard var base = buffer.baseAddress else { return }
        var remaining = buffer.count
        while remaining > 0 {
            let written = write(fd, base, remaining)
            if written < 0 {
                if errno == EINTR { continue }
                return
            }
            remaining -= written
            base += written
        }
    }
}
