import Alerts
public import BigPanda
import Curl
import Ledger
public import Logging
public import ServiceLifecycle

/// Delivers the outbox to BigPanda: oldest first, in batches per app key, at least once.
///
/// 429, 5xx and network errors are retried without end (backoff with full jitter from 0.5 s, capped
/// at 30 s, honouring `Retry-After`). A batch refused with another 4xx is retried alert by alert to
/// find the one at fault, which is marked rejected and skipped. 401 and 403 pause forwarding.
public struct Forwarder: Service {
    let worker: LedgerWorker
    let client: AlertsClient
    let state: RelayState
    let logger: Logger
    let batchSize: Int
    let unauthorizedPause: Duration
    let idlePoll: Duration

    /// Creates a forwarder.
    public init(
        worker: LedgerWorker, client: AlertsClient, state: RelayState, logger: Logger, batchSize: Int,
        unauthorizedPause: Duration = .seconds(60), idlePoll: Duration = .milliseconds(200)
    ) {
        self.worker = worker
        self.client = client
        self.state = state
        self.logger = logger
        self.batchSize = batchSize
        self.unauthorizedPause = unauthorizedPause
        self.idlePoll = idlePoll
    }

    public func run() async throws {
        await cancelWhenGracefulShutdown {
            await loop()
        }
    }

    /// What one pass over the outbox did.
    enum Pass {
        /// Delivered (or rejected) the oldest batch.
        case delivered
        /// Found nothing to deliver.
        case idle
    }

    /// A pass over the outbox as one attempt of the retry loop.
    typealias Step = RetryLoop.Step<Pass, String>

    func loop() async {
        // Without end: BigPanda's failures back off (from 0.5 s, capped at 30 s, honouring Retry-After); the
        // backoff starts again after each delivery.
        let retry = RetryLoop(policy: client.retryPolicy(limit: .forever))
        while !Task.isCancelled {
            let end = await retry.run {
                await forwardOldest()
            } willRetry: { message, delay, _ in
                state.setForwardError(message)
                logger.warning(
                    "forwarding failed; retrying",
                    metadata: ["error": "\(message)", "retry.delay_seconds": "\(delay.inSeconds)"])
            }
            switch end {
            case .done(.delivered): continue
            case .done(.idle): if (try? await Task.sleep(for: idlePoll)) == nil { return }
            case .limitReached, .stopped, .cancelled: return
            }
        }
    }

    /// Claims the oldest rows and delivers the oldest app key's batch of them.
    private func forwardOldest() async -> Step {
        let claim: any OutboxClaim
        do {
            claim = try await worker.perform { [batchSize] in try $0.claimOutbox(limit: batchSize) }
        } catch let error as LedgerError where error.isUnreachable {
            // The worker logged the loss and reconnects in the background: wait for it quietly.
            return .pause("\(error)", .seconds(0.5))
        } catch {
            logger.error("cannot read the outbox", metadata: ["error": "\(error)"])
            return .pause("\(error)", .seconds(1))
        }
        guard let first = claim.rows.first else {
            await release(claim)
            return .done(.idle)
        }
        // Oldest first: the oldest row's app key, and its rows in id order.
        let batch = claim.rows.filter { $0.appKey == first.appKey }
        let step = await deliver(batch, claim: claim)
        // Released before any backoff, so other forwarders may take the rows meanwhile.
        await release(claim)
        return step
    }

    private func body(_ rows: [OutboxRow]) -> [UInt8] {
        WireFormat.batchBody(appKey: rows.first?.appKey ?? "", serializedAlerts: rows.map(\.payload.utf8))
    }

    /// Ends a claim: what was completed or rejected is kept, the other rows are free again.
    private func release(_ claim: any OutboxClaim) async {
        do {
            try await worker.perform { _ in try claim.release() }
        } catch {
            // Completions not kept are sent again (at least once).
            logger.error("cannot release the outbox claim", metadata: ["error": "\(error)"])
        }
    }

    private func deliver(_ rows: [OutboxRow], claim: any OutboxClaim) async -> Step {
        switch await client.attempt(body: body(rows)) {
        case .cancelled:
            return .pause("cancelled", .zero)
        case .answered(let status, let kind, let text):
            switch kind {
            case .delivered:
                return await complete(rows, claim: claim)
            case .retry(let retryAfter):
                return .retry("BigPanda answered HTTP \(status): \(text)", retryAfter: retryAfter)
            case .unauthorized:
                let message =
                    "BigPanda refused the token (HTTP \(status): \(text)); forwarding paused, retrying every \(unauthorizedPause.wholeSeconds)s"
                state.setForwardError(message)
                logger.error("forwarding paused", metadata: ["http.status": "\(status)", "error": "\(text)"])
                return .pause(message, unauthorizedPause)
            case .permanent:
                if rows.count == 1, let row = rows.first {
                    return await reject(row, claim: claim, status: status, text: text)
                }
                // Find the alert at fault: send each alone, in order.
                for row in rows {
                    let step = await deliver([row], claim: claim)
                    guard case .done = step else { return step }
                }
                return .done(.delivered)
            }
        case .transport(let message, _):
            return .retry(message, retryAfter: nil)
        }
    }

    private func complete(_ rows: [OutboxRow], claim: any OutboxClaim) async -> Step {
        do {
            let ids = rows.map(\.id)
            try await worker.perform { _ in try claim.complete(ids: ids) }
            state.setForwardError(nil)
            state.countForwarded(rows.count)
            return .done(.delivered)
        } catch {
            // Delivered but not yet removed: it will be sent again (at least once).
            logger.error("cannot remove delivered rows from the outbox", metadata: ["error": "\(error)"])
            return .pause("\(error)", .seconds(1))
        }
    }

    private func reject(_ row: OutboxRow, claim: any OutboxClaim, status: Int, text: String) async -> Step {
        let message = "HTTP \(status): \(text)"
        logger.error(
            "BigPanda refused a forwarded alert; skipping it",
            metadata: [
                "outbox.id": "\(row.id)", "http.status": "\(status)", "error": "\(text)",
            ])
        state.setForwardError("outbox row \(row.id) rejected: \(message)")
        state.countRejectedForward()
        do {
            let id = row.id
            try await worker.perform { _ in try claim.reject(id: id, error: message) }
            return .done(.delivered)
        } catch {
            return .pause("\(error)", .seconds(1))
        }
    }
}
