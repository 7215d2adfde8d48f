import Foundation

/// Runs blocking work on a thread of its own, so that it never holds a thread of the Swift cooperative
/// pool: on 2 cores the pool has two, and async tests elsewhere need them to resume on time.
public enum OffPool {
    /// Runs `body` on a new thread and returns what it returns. `niceness` lowers the thread's priority
    /// (a CPU-bound loop takes 10, so it never starves the timing tests). Record issues after it returns,
    /// on the test's own task: a thread of its own has no test to attribute them to.
    public static func run<T: Sendable>(niceness: Int32 = 0, _ body: @escaping @Sendable () throws -> T)
        async throws -> T
    {
        try await withCheckedThrowingContinuation { continuation in
            let thread = Thread {
                if niceness != 0 {
                    // who 0: this thread only, on Linux.
                    _ = setpriority(__priority_which_t(PRIO_PROCESS.rawValue), 0, niceness)
                }
                continuation.resume(with: Result { try body() })
            }
            thread.stackSize = 16 << 20
            thread.start()
        }
    }
}
