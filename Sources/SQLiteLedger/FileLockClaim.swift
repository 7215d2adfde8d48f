import Ledger

#if canImport(Glibc)
    import Glibc
#endif

/// The sweep claim for a file ledger: an exclusive `flock` on a lock file beside it.
///
/// The kernel drops the lock when the process ends, however it ends, so a crashed sweep
/// never delays the next one.
final class FileLockClaim: SweepClaim {
    private var fd: Int32

    /// Takes the lock without waiting; nil when another process holds it.
    init?(path: String) throws {
        let fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0o600)
        guard fd >= 0 else {
            throw LedgerError(
                location: path,
                message: "cannot open the sweep lock file: \(String(cString: strerror(errno)))"
            )
        }
        if flock(fd, LOCK_EX | LOCK_NB) != 0 {
            let code = errno
            close(fd)
            if code == EWOULDBLOCK { return nil }
            throw LedgerError(
                location: path, message: "cannot lock the sweep lock file: \(String(cString: strerror(code)))")
        }
        self.fd = fd
    }

    func release() {
        guard fd >= 0 else { return }
        flock(fd, LOCK_UN)
        close(fd)
        fd = -1
    }

    deinit {
        release()
    }
}
