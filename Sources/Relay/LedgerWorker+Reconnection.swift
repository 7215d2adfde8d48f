import Alerts
public import Curl
import Foundation
import Ledger
import Logging
import Synchronization

extension LedgerWorker {
    /// The error jobs get while the ledger is unreachable and no cause is known.
    var unreachableNow: LedgerError {
        LedgerError(location: location, message: "the ledger's database is unreachable", isUnreachable: true)
    }

    /// Whether `error` means the ledger's connection is gone (refused, timed out, closed by the server).
    static func isLost(_ error: any Error) -> Bool {
        (error as? LedgerError)?.isUnreachable ?? false
    }

    /// How the relay waits between reconnection attempts: the clients' backoff, 0.5 s doubling to 30 s
    /// with full jitter (so relays that lost one database do not return to it in step), and no end.
    public static let reconnection = RetryPolicy(base: .milliseconds(500), cap: .seconds(30), limit: .forever)

    /// The wait before reconnection attempt `attempt` (from 0).
    func backoff(attempt: Int) -> Duration {
        reconnection.delay(attempt: attempt + 1, retryAfter: nil)
    }

    /// Drops a ledger whose connection is gone; logs once, and schedules the first reconnection.
    func lose(_ error: any Error) {
        guard ledger != nil else { return }
        ledger = nil
        reconnectAttempts = 0
        nextAttempt = Date().addingTimeInterval(backoff(attempt: 0).inSeconds)
        let cause = (error as? LedgerError) ?? unreachableNow
        condition.lock()
        unreachable = LedgerError(location: location, message: cause.message, isUnreachable: true)
        condition.unlock()
        logger.error(
            "lost the ledger's database; answering 503 and reconnecting in the background",
            metadata: ["ledger": "\(location)", "error": "\(cause.message)"])
    }

    /// One attempt to open the ledger again; on failure, the next one after a longer delay.
    func reconnect() {
        do {
            let store = try reopen()
            ledger = store
            reconnectAttempts = 0
            connections.add(1, ordering: .relaxed)
            condition.lock()
            unreachable = nil
            condition.unlock()
            logger.warning("regained the ledger's database", metadata: ["ledger": "\(location)"])
        } catch {
            reconnectAttempts += 1
            nextAttempt = Date().addingTimeInterval(backoff(attempt: reconnectAttempts).inSeconds)
            let message = (error as? LedgerError)?.message ?? "\(error)"
            condition.lock()
            unreachable = LedgerError(location: location, message: message, isUnreachable: true)
            condition.unlock()
            logger.debug("cannot reach the ledger's database yet", metadata: ["error": "\(message)"])
        }
    }
}
