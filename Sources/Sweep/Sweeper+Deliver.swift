import Alerts
import BigPanda
import Ledger
import Logging

extension Sweeper {
    /// A batch ready to build and send: the candidates still current, and their `ok` timestamps.
    struct Batch: Sendable {
        /// What one `ok` is built from.
        struct Source: Sendable {
            var payloadText: String
            var timestamp: Int64
            var reason: String
            var lastReceived: Int64
        }

        var index: Int
        var appKey: String
        var sources: [Source]
        var entries: [(candidateIndex: Int, timestamp: Int64)]
    }

    /// What a child task hands back: the batch, the positions left out as unreadable, and the delivery
    /// (nil when nothing was left to send).
    typealias Sent = (batch: Batch, unreadable: [Int], result: DeliveryResult?)

    /// The deliver stage: batches go through `client`, at most `maxInFlight` at once (the first alone),
    /// and each outcome is recorded as it comes back.
    func deliver(_ candidates: [Candidate], client: any AlertsSender, into report: inout SweepReport) async throws {
        let chunks = SweepPlan.batches(appKeys: candidates.map(\.appKey), size: options.batchSize)

        var failure: (any Error)?
        var errorLines: [String] = []
        var done = 0
        await withTaskGroup(of: Sent.self) { group in
            var inFlight = 0
            func finish(_ sent: Sent) {
                var batch = sent.batch
                if !sent.unreadable.isEmpty {
                    let dropped = Set(sent.unreadable)
                    for position in sent.unreadable {
                        let candidate = candidates[batch.entries[position].candidateIndex]
                        report.actions.append(action(candidate, .kept, reason: Self.changedDuringSweep))
                    }
                    batch.entries = batch.entries.indices.filter { !dropped.contains($0) }.map { batch.entries[$0] }
                }
                guard let result = sent.result else { return }
                do {
                    try record(batch, result, candidates, into: &report)
                } catch {
                    if failure == nil { failure = error }
                }
                if result.outcome != .delivered, let message = result.message, !errorLines.contains(message) {
                    errorLines.append(message)
                }
                done += batch.entries.count
                onProgress?(done, candidates.count)
            }
            var sentBatches = 0
            for (chunkIndex, chunk) in chunks.enumerated() {
                // The first batch goes alone: a refused token then costs one request, not maxInFlight.
                let limit = sentBatches == 1 ? 1 : options.maxInFlight
                while inFlight >= limit, let sent = await group.next() {
                    inFlight -= 1
                    finish(sent)
                }
                if failure != nil || stopRequested() || client.stopReason != nil {
                    let why =
                        failure != nil
                        ? "not sent: the ledger failed"
                        : stopRequested()
                            ? "not sent: \(Self.stoppedBySignal)"
                            : "not sent: \(client.stopReason ?? "sending stopped")"
                    for index in chunk.indices {
                        report.failed += 1
                        report.actions.append(
                            action(candidates[index], .failed, reason: "\(candidates[index].reason); \(why)"))
                    }
                    if !errorLines.contains(why), failure == nil, client.stopReason == nil { errorLines.append(why) }
                    continue
                }
                let batch: Batch
                do {
                    batch = try prepare(
                        chunkIndex: chunkIndex, appKey: chunk.appKey, indices: chunk.indices, candidates, into: &report)
                } catch {
                    failure = error
                    continue
                }
                if batch.entries.isEmpty { continue }
                logger.info(
                    "sending a batch", metadata: ["app_key": "\(batch.appKey)", "batch.size": "\(batch.entries.count)"])
                // Building and serializing the oks is pure: a child task does it, on the other core,
                // while this task goes on with the ledger.
                group.addTask {
                    let built = Self.body(for: batch)
                    if built.unreadable.count == batch.entries.count { return (batch, built.unreadable, nil) }
                    return (batch, built.unreadable, await client.send(body: built.body))
                }
                inFlight += 1
                sentBatches += 1
            }
            while let sent = await group.next() {
                finish(sent)
            }
        }
        report.errors += errorLines
        if let failure { throw failure }
    }

}
