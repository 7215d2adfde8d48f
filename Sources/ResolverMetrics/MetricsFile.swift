import Ledger

#if canImport(Glibc)
    import Glibc
#endif

/// The node_exporter textfile: rewritten whole, atomically, after each run.
public enum MetricsFile {
    /// Stores `run`'s updates in `ledger`, then rewrites the file at `path` with the stored samples,
    /// the run's live ones and the open-alert gauges at wall-clock `now`. Without a ledger (it could
    /// not be opened) the file carries the run's live samples only.
    public static func refresh(_ path: String, run: RunMetrics, ledger: (any MetricStore)?, now: Int64) throws {
        var live = run.live
        var stored: [MetricSample] = []
        if let ledger {
            try run.store(in: ledger)
            stored = try ledger.metricSamples()
            live += RunMetrics.openGauges(try ledger.openSummary(), now: now)
        }
        try write(MetricsText.render(stored: stored, live: live), to: path)
    }

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
