import Synchronization

#if canImport(Glibc)
    import Glibc
#endif

/// Records SIGTERM and SIGINT so a sweep stops picking new work and finishes what is in flight.
enum StopSignal {
    private static let requested = Atomic<Bool>(false)

    /// Whether a stop was requested.
    static var isRequested: Bool { requested.load(ordering: .relaxed) }

    /// Asks the sweep to stop (also what the signal handler does).
    static func request() {
        requested.store(true, ordering: .relaxed)
    }

    /// Installs handlers for SIGTERM and SIGINT.
    static func install() {
        // A second signal of either kind kills as usual (Ctrl-C, then a service manager's SIGTERM): the
        // handler restores the default action of both.
        let handler: @convention(c) (Int32) -> Void = { _ in
            StopSignal.request()
            signal(SIGTERM, SIG_DFL)
            signal(SIGINT, SIG_DFL)
        }
        signal(SIGTERM, handler)
        signal(SIGINT, handler)
    }
}
