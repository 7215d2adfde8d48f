import BigPanda
import Ledger

extension Sweeper {
    /// Closes adopted alerts by BigPanda alert id, 500 per request, and records each like an `ok`.
    func close(_ candidates: [Candidate], into report: inout SweepReport) async throws {
        guard let incidents, client?.stopReason == nil, !stopRequested() else {
            let why =
                stopRequested()
                ? "not sent: \(Self.stoppedBySignal)" : client?.stopReason ?? byIDUnavailable
            for candidate in candidates {
                report.failed += 1
                report.actions.append(action(candidate, .failed, reason: "\(candidate.reason); \(why)"))
            }
            if !report.errors.contains(why) { report.errors.append(why) }
            return
        }
        var start = 0
        while start < candidates.count {
            let chunk = Array(candidates[start..<min(start + IncidentsClientOptions.maxResolveIDs, candidates.count)])
            start += chunk.count
            let ids = chunk.compactMap(\.bigPandaAlertID)
            let rules = Set(chunk.map(\.rule)).sorted().map { "\"\($0)\"" }.joined(separator: ", ")
            let comments =
                options.all
                ? "resolved by logzio-resolver: closed by sweep --all"
                : "resolved by logzio-resolver: stale under rule \(rules)"
            let sentAt = wallClock()
            var status: Int?
            var attempts = 0
            var message: String?
            do {
                (status, attempts) = try await incidents.resolve(ids: ids, comments: comments)
            } catch {
                if case .failed(let failedStatus, _) = error { status = failedStatus }
                if case .refused(let refusedStatus, _) = error { status = refusedStatus }
                attempts = max(1, attempts)
                message = error.description
            }
            let records = chunk.map { candidate in
                SendRecord(
                    alertID: candidate.alertID, appKey: candidate.appKey, eventID: candidate.eventID, sentAt: sentAt,
                    timestamp: sentAt, rule: candidate.rule, reason: candidate.reason, httpStatus: status,
                    attempts: max(1, attempts), kind: message == nil ? .delivered : .failed, error: message,
                    method: .id)
            }
            let outcomes = try ledger.apply(records)
            for (candidate, outcome) in zip(chunk, outcomes) {
                switch outcome {
                case .resolved:
                    report.resolved += 1
                    report.actions.append(action(candidate, .resolved, status: status, attempts: attempts))
                case .fenced:
                    report.actions.append(
                        action(
                            candidate, .kept, reason: "a new event arrived while the close was in flight; left open",
                            status: status, attempts: attempts))
                case .failed, .rejected:
                    report.failed += 1
                    report.actions.append(
                        action(
                            candidate, .failed,
                            reason: "\(candidate.reason); not closed by id: \(message ?? "unknown error")",
                            status: status, attempts: attempts))
                }
            }
            if let message, !report.errors.contains(message) { report.errors.append(message) }
            onProgress?(report.resolved + report.failed, candidates.count)
        }
    }
}
