import Alerts
import BigPanda
import Ledger
import Logging

extension Sweeper {
    /// Re-reads the chosen alerts, drops any that changed since the decision, and gathers what their
    /// `ok`s are built from; `body(for:)` builds them, off the task that talks to the ledger.
    func prepare(
        chunkIndex: Int, appKey: String, indices: [Int], _ candidates: [Candidate], into report: inout SweepReport
    ) throws -> Batch {
        let rows = try ledger.alerts(ids: indices.map { candidates[$0].alertID })
        var byID: [Int64: LedgerAlert] = [:]
        for row in rows { byID[row.id] = row }
        let wall = wallClock()
        var sources: [Batch.Source] = []
        var entries: [(candidateIndex: Int, timestamp: Int64)] = []
        for index in indices {
            let candidate = candidates[index]
            guard let row = byID[candidate.alertID], row.state == .open, row.currentEventID == candidate.eventID
            else {
                report.actions.append(action(candidate, .kept, reason: Self.changedDuringSweep))
                continue
            }
            let timestamp = OKEvent.timestamp(wallClock: wall, maxTimestamp: row.maxTimestamp)
            sources.append(
                Batch.Source(
                    payloadText: row.payloadText, timestamp: timestamp, reason: candidate.reason,
                    lastReceived: row.lastReceived))
            entries.append((index, timestamp))
        }
        return Batch(index: chunkIndex, appKey: appKey, sources: sources, entries: entries)
    }

    /// Why an alert chosen for an `ok` was left out of its batch.
    static let changedDuringSweep = "a new event arrived during the sweep; left as it is"

    /// The request body for `batch`, and the positions of its entries whose stored payload cannot be
    /// read (left out of the body). Pure, so a child task runs it.
    static func body(for batch: Batch) -> (body: [UInt8], unreadable: [Int]) {
        var alerts: [[UInt8]] = []
        alerts.reserveCapacity(batch.sources.count)
        var unreadable: [Int] = []
        for (position, source) in batch.sources.enumerated() {
            guard let payload = try? RawJSONObject(Array(source.payloadText.utf8)) else {
                unreadable.append(position)
                continue
            }
            alerts.append(
                OKEvent.build(
                    payload: payload, timestamp: source.timestamp, reason: source.reason,
                    lastReceived: source.lastReceived))
        }
        return (WireFormat.batchBody(appKey: batch.appKey, serializedAlerts: alerts), unreadable)
    }

    /// Writes a batch's outcome to the ledger and the report.
    func record(
        _ batch: Batch, _ result: DeliveryResult, _ candidates: [Candidate], into report: inout SweepReport
    ) throws {
        let kind: SendRecord.Kind =
            switch result.outcome {
            case .delivered: .delivered
            case .permanent: .permanent
            case .failed, .unauthorized: .failed
            }
        let sentAt = wallClock()
        let records = batch.entries.map { entry in
            let candidate = candidates[entry.candidateIndex]
            return SendRecord(
                alertID: candidate.alertID, appKey: candidate.appKey, eventID: candidate.eventID, sentAt: sentAt,
                timestamp: entry.timestamp,
                rule: candidate.rule, reason: candidate.reason, httpStatus: result.httpStatus,
                attempts: max(1, result.attempts), kind: kind, error: result.message)
        }
        let outcomes = try ledger.apply(records)
        for (entry, outcome) in zip(batch.entries, outcomes) {
            let candidate = candidates[entry.candidateIndex]
            switch outcome {
            case .resolved:
                report.resolved += 1
                report.actions.append(
                    action(candidate, .resolved, status: result.httpStatus, attempts: result.attempts))
            case .fenced:
                report.actions.append(
                    action(
                        candidate, .kept, reason: "a new event arrived while the ok was in flight; left open",
                        status: result.httpStatus, attempts: result.attempts))
            case .failed:
                report.failed += 1
                report.actions.append(
                    action(
                        candidate, .failed,
                        reason: "\(candidate.reason); not delivered: \(result.message ?? "unknown error")",
                        status: result.httpStatus, attempts: result.attempts))
            case .rejected:
                report.failed += 1
                report.actions.append(
                    action(
                        candidate, .rejected,
                        reason: "\(candidate.reason); BigPanda refused it in 3 runs: \(result.message ?? "")",
                        status: result.httpStatus, attempts: result.attempts))
            }
        }
        if result.outcome != .delivered {
            // Info, not warning: the run ends with one error line per distinct failure anyway.
            logger.info(
                "a batch was not delivered",
                metadata: [
                    "app_key": "\(batch.appKey)", "http.status": "\(result.httpStatus.map(String.init) ?? "none")",
                    "error": "\(result.message ?? "")",
                ])
        }
    }

    func action(
        _ candidate: Candidate, _ kind: SweepAction.Kind, reason: String? = nil, status: Int? = nil, attempts: Int = 0
    ) -> SweepAction {
        var made = SweepAction(
            identity: candidate.identity, appKey: candidate.appKey, action: kind, rule: candidate.rule,
            reason: reason ?? candidate.reason, httpStatus: status, attempts: attempts)
        made.alertID = candidate.alertID
        made.evidence = candidate.evidence
        made.bigPandaAlertID = candidate.remote?.id ?? candidate.bigPandaAlertID
        return made
    }
}
