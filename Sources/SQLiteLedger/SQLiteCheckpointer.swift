import Dispatch
import Ledger
import Synchronization
import Threading

/// Checkpoints a WAL ledger from a second connection on a thread of its own, so the writer's
/// commits never wait for a checkpoint's copy and `fdatasync` (a sweep's S1 spent 0.57 s of its
/// ledger task in them at 100k alerts; BENCHMARKS.md).
///
/// The writer turns its own automatic checkpoints off while this runs, and calls `finish()` before it
/// closes, so that its own close (as the last connection) checkpoints what is left. Checkpoints are
/// PASSIVE: they never block the writer or a reader, and copy what they can.
final class SQLiteCheckpointer: Sendable {
    /// How often the thread checkpoints.
    static let interval: Duration = .milliseconds(100)

    /// The connection, handed to the thread at start and used only there.
    private struct Connection: @unchecked Sendable {
        let database: SQLiteDatabase
    }

    /// Set by `finish()`, which also wakes the thread; the thread holds it, not the checkpointer.
    private final class StopFlag: Sendable {
        let value = Atomic<Bool>(false)
        let wake = DispatchSemaphore(value: 0)
    }

    private let stopped = StopFlag()
    private let thread: Mutex<ThreadHandle?> = Mutex(nil)

    /// Opens the second connection and starts the thread; throws when either fails, and the writer
    /// then keeps its own checkpoints.
    init(path: String) throws {
        let connection = Connection(database: try SQLiteDatabase(path: path, readOnly: false, create: false))
        try connection.database.execute("PRAGMA busy_timeout = 0")
        let stopped = self.stopped
        let handle = try ThreadHandle.start {
            let pause = DispatchTimeInterval.milliseconds(
                Int(SQLiteCheckpointer.interval / .milliseconds(1)))
            while !stopped.value.load(ordering: .relaxed) {
                if stopped.wake.wait(timeout: .now() + pause) == .success { break }
                // Busy or locked: the next pass copies it.
                try? connection.database.execute("PRAGMA wal_checkpoint(PASSIVE)")
            }
            connection.database.closeConnection()
        }
        thread.withLock { $0 = handle }
    }

    /// Stops the thread and closes its connection; later calls do nothing.
    func finish() {
        guard !stopped.value.exchange(true, ordering: .relaxed) else { return }
        stopped.wake.signal()
        let handle = thread.withLock { handle in
            defer { handle = nil }
            return handle
        }
        handle?.join()
    }

    deinit {
        finish()
    }
}
