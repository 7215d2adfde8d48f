import Synchronization

/// A request waiting for the curl thread, with the continuation that receives its outcome.
struct Job: Sendable {
    let id: UInt64
    let request: HTTPRequest
    let continuation: UnsafeContinuation<Result<HTTPResponse, CurlError>, Never>

    func finish(_ result: Result<HTTPResponse, CurlError>) {
        continuation.resume(returning: result)
    }
}

/// What the curl thread takes from the mailbox on each turn of its loop.
struct Delivery {
    var jobs: [Job] = []
    var cancellations: [UInt64] = []
    var stopping = false
}

/// The only state shared between callers and the curl thread: queued work, behind a lock.
///
/// Callers enqueue and then wake the curl thread only when it is about to sleep,
/// which keeps the wake-up syscall off most requests under load.
final class Mailbox: Sendable {
    private struct State: Sendable {
        var nextID: UInt64 = 0
        var jobs: [Job] = []
        var cancellations: [UInt64] = []
        var stopping = false
        var pollerAsleep = false

        /// Whether the caller must wake the curl thread; only the first caller after it fell asleep does.
        mutating func takeWake() -> Bool {
            defer { pollerAsleep = false }
            return pollerAsleep
        }
    }

    private let state = Mutex(State())
    private let multi: MultiHandle

    init(multi: MultiHandle) {
        self.multi = multi
    }

    func makeID() -> UInt64 {
        state.withLock { state in
            state.nextID &+= 1
            return state.nextID
        }
    }

    /// Queues `job`, or fails it at once if the client is shut down.
    func submit(_ job: Job) {
        let (accepted, wake) = state.withLock { state -> (Bool, Bool) in
            guard !state.stopping else { return (false, false) }
            state.jobs.append(job)
            return (true, state.takeWake())
        }
        if !accepted {
            job.finish(.failure(.shutDown))
        } else if wake {
            multi.wakeUp()
        }
    }

    /// Fails job `id` if it is still queued, else asks the curl thread to abort it if it is running.
    func cancel(_ id: UInt64) {
        let (removed, wake) = state.withLock { state -> (Job?, Bool) in
            if let index = state.jobs.firstIndex(where: { $0.id == id }) {
                return (state.jobs.remove(at: index), false)
            }
            guard !state.stopping else { return (nil, false) }
            state.cancellations.append(id)
            return (nil, state.takeWake())
        }
        removed?.finish(.failure(.cancelled))
        if wake {
            multi.wakeUp()
        }
    }

    /// Refuses new work, fails what is queued and wakes the curl thread so it can fail the rest and exit.
    func stop() {
        let queued = state.withLock { state -> [Job] in
            state.stopping = true
            state.cancellations = []
            defer { state.jobs = [] }
            return state.jobs
        }
        for job in queued {
            job.finish(.failure(.shutDown))
        }
        multi.wakeUp()
    }

    /// Moves queued work into `delivery` (curl thread only), reusing its arrays' storage.
    func collect(into delivery: inout Delivery) {
        delivery.jobs.removeAll(keepingCapacity: true)
        delivery.cancellations.removeAll(keepingCapacity: true)
        state.withLock { state in
            state.pollerAsleep = false
            swap(&state.jobs, &delivery.jobs)
            swap(&state.cancellations, &delivery.cancellations)
            delivery.stopping = state.stopping
        }
    }

    /// Returns true, and marks the curl thread asleep, when nothing is queued (curl thread only).
    func prepareToSleep() -> Bool {
        state.withLock { state in
            guard state.jobs.isEmpty, state.cancellations.isEmpty, !state.stopping else { return false }
            state.pollerAsleep = true
            return true
        }
    }
}
