import Alerts

#if canImport(Glibc)
    import Glibc
#endif

/// A progress line on an interactive stderr: count, rate and ETA, redrawn in place at most 10 times a second.
final class ProgressLine {
    private let started = ContinuousClock.now
    private var lastDraw: ContinuousClock.Instant?
    private var drawn = false

    /// Whether stderr is a terminal, the only place a progress line belongs.
    static var isInteractive: Bool { isatty(2) == 1 }

    /// Redraws the line, unless the last draw was under 100 ms ago (the final update always draws).
    func update(done: Int, total: Int) {
        let now = ContinuousClock.now
        if done < total, let lastDraw, now - lastDraw < .milliseconds(100) { return }
        lastDraw = now
        let elapsed = (now - started).inSeconds
        let rate = elapsed > 0 ? Double(done) / elapsed : 0
        let eta = rate > 0 ? Int((Double(total - done) / rate).rounded(.up)) : 0
        let text = "\rclosing alerts: \(done)/\(total) (\(Int(rate))/s, ETA \(eta)s)\u{1B}[K"
        var bytes = Array(text.utf8)
        _ = bytes.withUnsafeMutableBytes { write(2, $0.baseAddress, $0.count) }
        drawn = true
    }

    /// Ends the line so later output starts on a fresh one.
    func finish() {
        if drawn { _ = write(2, "\n", 1) }
    }
}
