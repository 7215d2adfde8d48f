import Alerts
import BigPanda
import Ledger
import Logging

extension Sweeper {
    /// A batch ready to send: the candidates still current, and their `ok` timestamps.
    struct Batch: Sendable {
        var index: Int
        var appKey: String
        var body: [UInt8]
        var entries: [(candidateIndex: Int, timestamp: Int64)]
    }

    /// The deliver stage: batches go through `client`, at most `maxInFlight` at once (the first alone),
    /// and each outcome is recorded as it comes back.
    func deliver(_ candidates: [Candidate], client: any AlertsSender, into report: inout SweepReport) async throws {
        let chunks = SweepPlan.batches(appKeys: candidates.map(\.appKey), size: options.batchSize)

        var failure: (any Error)?
        var errorLines: [String] = []
        var done = 0
        await withTaskGroup(of: (Batch, DeliveryResult).self) { group in
            var inFlight = 0
            func finish(_ batch: Batch, _ result: DeliveryResult) {
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
                while inFlight >= limit, let done = await group.next() {
                    inFlight -= 1
                    finish(done.0, done.1)
                }
                if failure != nil || stopRequested() || client.stopReason != nil {
                    let why =
                        failure != nil
                        ? "not sent: the ledger failed"
                        : stopRequested()
                            ? "not sent: the sweep was stopped by a signal"
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
                group.addTask { (batch, await client.send(body: batch.body)) }
                inFlight += 1
                sentBatches += 1
            }
            while let done = await group.next() {
                finish(done.0, done.1)
            }
        }
        report.errors = errorLines
        if let failure { throw failure }
    }

}
