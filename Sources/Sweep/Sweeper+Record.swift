import Alerts
import BigPanda
import Ledger
import Logging

extension Sweeper {
    /// Re-reads the chosen alerts, drops any that changed since the decision, and builds the batch.
    func prepare(
        chunkIndex: Int, appKey: String, indices: [Int], _ candidates: [Candidate], into report: inout SweepReport
    ) throws -> Batch {
        let rows = try ledger.alerts(ids: indices.map { candidates[$0].alertID })
        var byID: [Int64: LedgerAlert] = [:]
        for row in rows { byID[row.id] = row }
        let wall = wallClock()
        var alerts: [[UInt8]] = []
        var entries: [(candidateIndex: Int, timestamp: Int64)] = []
        for index in indices {
            let candidate = candidates[index]
            guard let row = byID[candidate.alertID], row.state == .open, row.currentEventID == candidate.eventID,
                let payload = try? RawJSONObject(Array(row.payloadText.utf8))
            else {
                report.actions.append(
                    action(candidate, .kept, reason: "a new event arrived during the sweep; left as it is"))
                continue
            }
            let timestamp = OKEvent.timestamp(wallClock: wall, maxTimestamp: row.maxTimestamp)
            alerts.append(
                OKEvent.build(
                    payload: payload, timestamp: timestamp, reason: candidate.reason, lastReceived: row.lastReceived))
            entries.append((index, timestamp))
        }
        return Batch(
            index: chunkIndex, appKey: appKey, body: WireFormat.batchBody(appKey: appKey, serializedAlerts: alerts),
            entries: entries)
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
        return made
    }
}
