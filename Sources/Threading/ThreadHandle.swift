#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#elseif canImport(Darwin)
    import Darwin
#endif

/// A joinable POSIX thread; Foundation's `Thread` cannot be joined.
public struct ThreadHandle: @unchecked Sendable {
    /// The error number pthread_create returned.
    public struct StartError: Error {
        /// The pthread error number.
        public let errorNumber: CInt
    }

    // pthread_t is an integer on Linux and a pointer on Darwin; only `join` or `detach` touches it, once.
    #if canImport(Darwin)
        private let thread: pthread_t?
    #else
        private let thread: pthread_t
    #endif

    /// Starts a thread that runs `body`.
    public static func start(_ body: @escaping @Sendable () -> Void) throws(StartError) -> ThreadHandle {
        let context = Unmanaged.passRetained(ThreadBody(body)).toOpaque()
        #if canImport(Darwin)
            var thread: pthread_t?
        #else
            var thread = pthread_t()
        #endif
        let status = pthread_create(
            &thread, nil,
            { raw in
                runThread(raw)
                return nil
            }, context)
        guard status == 0 else {
            Unmanaged<ThreadBody>.fromOpaque(context).release()
            throw StartError(errorNumber: status)
        }
        return ThreadHandle(thread: thread)
    }

    /// Waits for the thread to finish; call at most once, never from the thread itself.
    public func join() {
        #if canImport(Darwin)
            guard let thread else { return }
        #endif
        _ = pthread_join(thread, nil)
    }

    /// Lets the thread end on its own, without a join; call at most once, instead of `join`.
    public func detach() {
        #if canImport(Darwin)
            guard let thread else { return }
        #endif
        _ = pthread_detach(thread)
    }
}

private final class ThreadBody {
    let run: @Sendable () -> Void

    init(_ run: @escaping @Sendable () -> Void) {
        self.run = run
    }
}

private func runThread(_ raw: UnsafeMutableRawPointer?) {
    guard let raw else { return }
    Unmanaged<ThreadBody>.fromOpaque(raw).takeRetainedValue().run()
}
