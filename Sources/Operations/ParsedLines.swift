import Alerts
import Dispatch
import Ledger
import Synchronization
import Threading

/// The lines of an import, read and parsed on a thread of their own and handed over in order, a chunk at a
/// time, so parsing one chunk overlaps with the ledger's writing of the one before (a PostgreSQL import
/// spent a quarter of its time waiting on the server while this process's CPU did the rest).
final class ParsedLines: Sendable {
    /// One line that is not blank: an event to record, or why it is bad.
    enum Line: Sendable {
        case event(IncomingEvent)
        case bad(number: Int, message: String)
    }

    private enum Handoff: Sendable {
        case lines([Line])
        /// The end of the input, with the read error that ended it early, if any.
        case end(readError: String?)
    }

    /// Lines per hand-over, and hand-overs that may wait: a few hundred KB of parsed events at the most.
    private static let chunkSize = 256
    private static let capacity = 4

    /// What the two threads share.
    private final class Channel: Sendable {
        let queue = Mutex<[Handoff]>([])
        let ready = DispatchSemaphore(value: 0)
        /// Room for hand-overs. Made at 0 and signalled up to the capacity: libdispatch refuses to free a
        /// semaphore below the value it was made with ("deallocated while in use"; it trapped once in a
        /// test that left the reader waiting), and after an early stop this one ends below the capacity.
        let free = DispatchSemaphore(value: 0)
        let stopped = Atomic<Bool>(false)

        init() {
            for _ in 0..<ParsedLines.capacity { free.signal() }
        }

        /// Waits for room, then hands `handoff` over; false once the reading side has stopped.
        func hand(_ handoff: Handoff) -> Bool {
            free.wait()
            if stopped.load(ordering: .acquiring) { return false }
            queue.withLock { $0.append(handoff) }
            ready.signal()
            return true
        }
    }

    private let channel = Channel()
    private let thread: ThreadHandle

    /// Starts reading `reader` and parsing each line with `parse` on a new thread.
    init(
        reader: LineReader,
        parse: @escaping @Sendable (ArraySlice<UInt8>) throws(JSONLinesImport.LineError) -> IncomingEvent
    ) throws(ThreadHandle.StartError) {
        let channel = self.channel
        thread = try ThreadHandle.start {
            var number = 0
            var chunk: [Line] = []
            chunk.reserveCapacity(ParsedLines.chunkSize)
            while let line = reader.next() {
                number += 1
                if line.allSatisfy({ $0 == 0x20 || $0 == 0x09 || $0 == 0x0D }) { continue }
                do throws(JSONLinesImport.LineError) {
                    chunk.append(.event(try parse(line)))
                } catch {
                    chunk.append(.bad(number: number, message: error.message))
                }
                if chunk.count == ParsedLines.chunkSize {
                    guard channel.hand(.lines(chunk)) else { return }
                    chunk.removeAll(keepingCapacity: true)
                }
            }
            if !chunk.isEmpty, !channel.hand(.lines(chunk)) { return }
            _ = channel.hand(.end(readError: reader.error))
        }
    }

    /// Calls `body` with each line in input order; returns the read error that ended the input early, if any.
    /// Stops the reading thread however `body` ends. At the end of the input the thread has ended and is
    /// joined; after an early stop it is let go, since it may be blocked reading a pipe that has no next
    /// line yet (`import -` fed by a producer that never ends), and it ends at its next line or at EOF.
    func forEach(_ body: (Line) throws -> Void) rethrows -> String? {
        var ended = false
        defer {
            if ended {
                thread.join()
            } else {
                channel.stopped.store(true, ordering: .releasing)
                channel.free.signal()  // wakes the reader if it waits for room; it then sees the stop
                thread.detach()
            }
        }
        while true {
            channel.ready.wait()
            let handoff = channel.queue.withLock { $0.removeFirst() }
            channel.free.signal()
            switch handoff {
            case .lines(let lines):
                for line in lines { try body(line) }
            case .end(let readError):
                ended = true
                return readError
            }
        }
    }
}
