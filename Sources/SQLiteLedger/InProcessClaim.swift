import Ledger
import Synchronization

/// The sweep claim for an in-memory ledger: a name in a set this process shares.
///
/// An in-memory ledger lives only in this process, so the claim needs no file and no lock the kernel
/// keeps: the process ending ends both the ledger and its claim.
final class InProcessClaim: SweepClaim {
    /// The names claimed now, across every ledger in the process.
    private static let held = Mutex<Set<String>>([])
    private let name: String
    private let released = Atomic<Bool>(false)

    /// Takes the claim on `name` without waiting; nil when it is already held.
    init?(name: String) {
        guard Self.held.withLock({ $0.insert(name).inserted }) else { return nil }
        self.name = name
    }

    func release() {
        guard !released.exchange(true, ordering: .relaxed) else { return }
        _ = Self.held.withLock { $0.remove(name) }
    }

    deinit {
        release()
    }
}
