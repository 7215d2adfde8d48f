import Alerts
public import BigPanda
public import Ledger
public import Logging
public import Staleness

/// One sweep: select the open alerts in scope, decide, check the safety limits, send `ok`s, record.
///
/// The ledger is only touched from the calling task; child tasks only carry request bytes.
public final class Sweeper {
    private let ledger: any LedgerStore
    private let options: SweepOptions
    private let client: AlertsClient?
    private let logger: Logger
    private let wallClock: @Sendable () -> Int64
    private let feed: FeedLiveness?

    /// Called after each batch's `ok`s were sent and before their outcome is written; tests use it to
    /// record an event between the decision and the commit.
    public var beforeApply: (() throws -> Void)?

    /// Called after each batch is recorded with the alerts done so far and the total to send.
    public var onProgress: ((_ done: Int, _ total: Int) -> Void)?

    /// Resolves `stale_after: auto` from the Logz.io definitions; nil when none are available.
    public var auto: AutoResolver?

    /// The Incidents API client that closes adopted alerts by id, whose app key is unknown.
    public var incidents: IncidentsClient?
    /// Why adopted alerts cannot be closed this run (no user API key or environment), when `incidents` is nil.
    public var byIDUnavailable =
        "closing an adopted alert needs BigPanda's user API key (BIGPANDA_API_KEY) and bigpanda.environment_id"

    /// Creates a sweep. `client` may be nil only for a dry run.
    public init(
        ledger: any LedgerStore,
        options: SweepOptions,
        client: AlertsClient?,
        logger: Logger,
        feed: FeedLiveness? = nil,
        wallClock: @escaping @Sendable () -> Int64
    ) {
        self.ledger = ledger
        self.options = options
        self.client = client
        self.logger = logger
        self.feed = feed
        self.wallClock = wallClock
    }

    /// A stale alert chosen for an `ok`.
    struct Candidate {
        var alertID: Int64
        var eventID: Int64
        var appKey: String
        var identity: String
        var rule: String
        var reason: String
        var adopted = false
        var bigPandaAlertID: String?
    }

    /// Runs the sweep. Throws `SweepError.busy` when another sweep holds the claim, or a ledger error.
    public func run() async throws -> SweepReport {
        var claim: (any SweepClaim)?
        if !options.dryRun {
            guard let taken = try ledger.claimSweep() else { throw SweepError.busy(location: ledger.location) }
            claim = taken
        }
        defer { claim?.release() }

        var report = SweepReport()
        var candidates: [Candidate] = []
        let evaluator = AlertEvaluator(policy: options.policy, feed: feed, auto: auto)
        let forwarding = try ledger.alertsWithPendingForward()
        try ledger.forEachAlert(AlertFilter(states: [.open], appKey: options.appKey)) { alert in
            report.open += 1
            if forwarding.contains(alert.id) {
                report.actions.append(
                    SweepAction(
                        identity: alert.display, appKey: alert.appKey, action: .kept, rule: "-",
                        reason: "its last event is still waiting in the relay's outbox to be forwarded"))
                return
            }
            let decision: StalenessDecision
            switch evaluator.evaluate(alert, now: options.now) {
            case .decided(let decided):
                decision = decided
            case .unreadable(let reason):
                report.actions.append(
                    SweepAction(identity: alert.display, appKey: alert.appKey, action: .kept, rule: "-", reason: reason)
                )
                return
            }
            if options.all {
                let silence = DurationText.format(max(0, options.now - alert.lastReceived))
                candidates.append(
                    Candidate(
                        alertID: alert.id, eventID: alert.currentEventID, appKey: alert.appKey, identity: alert.display,
                        rule: decision.rule, reason: "closed by sweep --all (last notification \(silence) ago)",
                        adopted: alert.adopted, bigPandaAlertID: alert.bigPandaAlertID))
            } else if decision.isStale {
                candidates.append(
                    Candidate(
                        alertID: alert.id, eventID: alert.currentEventID, appKey: alert.appKey, identity: alert.display,
                        rule: decision.rule, reason: decision.reason, adopted: alert.adopted,
                        bigPandaAlertID: alert.bigPandaAlertID))
            } else {
                report.actions.append(
                    SweepAction(
                        identity: alert.display, appKey: alert.appKey, action: .kept, rule: decision.rule,
                        reason: decision.reason))
            }
        }
        report.stale = candidates.count
        logger.info(
            "sweep selected alerts", metadata: ["sweep.open": "\(report.open)", "sweep.stale": "\(report.stale)"])

        if !options.all, !options.force, let reason = holdReason(open: report.open, stale: report.stale) {
            report.holdReason = reason
            report.held = candidates.count
            for candidate in candidates {
                report.actions.append(action(candidate, .held, reason: "\(candidate.reason); held: \(reason)"))
            }
            return report
        }
        if options.dryRun {
            for candidate in candidates { report.actions.append(action(candidate, .wouldResolve)) }
            return report
        }
        let byID = candidates.filter(\.adopted)
        let byOK = candidates.filter { !$0.adopted }
        if let client, !byOK.isEmpty {
            try await send(byOK, client: client, into: &report)
        }
        if !byID.isEmpty {
            try await close(byID, into: &report)
        }
        return report
    }

    /// Closes adopted alerts by BigPanda alert id, 500 per request, and records each like an `ok`.
    private func close(_ candidates: [Candidate], into report: inout SweepReport) async throws {
        guard let incidents, client?.stopReason == nil, !StopSignal.isRequested else {
            let why =
                StopSignal.isRequested
                ? "not sent: the sweep was stopped by a signal" : client?.stopReason ?? byIDUnavailable
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

    /// The blast-radius check: a reason to hold, or nil.
    func holdReason(open: Int, stale: Int) -> String? {
        if stale > options.maxResolvesPerRun {
            return
                "\(stale) stale alerts is more than max_resolves_per_run (\(options.maxResolvesPerRun)); check the feed, then rerun with --force"
        }
        if open >= 20, Double(stale) > options.maxResolveFraction * Double(open) {
            return
                "\(stale) of \(open) open alerts are stale, more than max_resolve_fraction (\(options.maxResolveFraction)); check the feed, then rerun with --force"
        }
        return nil
    }

    private func action(
        _ candidate: Candidate, _ kind: SweepAction.Kind, reason: String? = nil, status: Int? = nil, attempts: Int = 0
    ) -> SweepAction {
        var made = SweepAction(
            identity: candidate.identity, appKey: candidate.appKey, action: kind, rule: candidate.rule,
            reason: reason ?? candidate.reason, httpStatus: status, attempts: attempts)
        made.alertID = candidate.alertID
        return made
    }

    /// A batch ready to send: the candidates still current, and their `ok` timestamps.
    private struct Batch: Sendable {
        var index: Int
        var appKey: String
        var body: [UInt8]
        var entries: [(candidateIndex: Int, timestamp: Int64)]
    }

    private func send(_ candidates: [Candidate], client: AlertsClient, into report: inout SweepReport) async throws {
        // Group per app key, keeping order, then cut into batches.
        var order: [String] = []
        var byKey: [String: [Int]] = [:]
        for (index, candidate) in candidates.enumerated() {
            if byKey[candidate.appKey] == nil { order.append(candidate.appKey) }
            byKey[candidate.appKey, default: []].append(index)
        }
        var chunks: [(appKey: String, indices: [Int])] = []
        for key in order {
            let indices = byKey[key] ?? []
            var start = 0
            while start < indices.count {
                let end = min(start + options.batchSize, indices.count)
                chunks.append((key, Array(indices[start..<end])))
                start = end
            }
        }

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
                if failure != nil || StopSignal.isRequested || client.stopReason != nil {
                    let why =
                        failure != nil
                        ? "not sent: the ledger failed"
                        : StopSignal.isRequested
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

    /// Re-reads the chosen alerts, drops any that changed since the decision, and builds the batch.
    private func prepare(
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
    private func record(
        _ batch: Batch, _ result: DeliveryResult, _ candidates: [Candidate], into report: inout SweepReport
    ) throws {
        try beforeApply?()
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
}
