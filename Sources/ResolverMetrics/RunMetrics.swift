/// What one run contributes to the metrics: samples computed now, and the changes it stores in the
/// ledger so that later expositions (the next run's file, the relay's `GET /metrics`) carry them.
public struct RunMetrics: Sendable, Equatable {
    /// Samples computed now; they replace stored ones with the same name and labels.
    public var live: [MetricSample]
    /// Changes to store in the ledger.
    public var updates: [MetricUpdate]

    /// Creates run metrics.
    public init(live: [MetricSample], updates: [MetricUpdate]) {
        self.live = live
        self.updates = updates
    }

    /// A sweep's gauges (finish time on the wall clock, duration, stale alerts). A sending sweep
    /// (`storing`) also stores them, counts a hold, and sets last-success when it exits 0.
    public static func sweep(
        finishedAt now: Int64, duration: Double, stale: Int, held: Bool, exitCode: Int32, storing: Bool
    ) -> RunMetrics {
        let live = [
            MetricSample(name: MetricName.lastRun, value: Double(now)),
            MetricSample(name: MetricName.runDuration, value: duration),
            MetricSample(name: MetricName.stale, value: Double(stale)),
        ]
        guard storing else { return RunMetrics(live: live, updates: []) }
        var updates = live.map { MetricUpdate(name: $0.name, value: $0.value, operation: .set) }
        if held { updates.append(MetricUpdate(name: MetricName.heldRuns, value: 1, operation: .add)) }
        if exitCode == 0 {
            updates.append(MetricUpdate(name: MetricName.lastSuccess, value: Double(now), operation: .set))
        }
        return RunMetrics(live: live, updates: updates)
    }

    /// Reconcile's gauges (BigPanda's active and untracked alerts); when `storing`, also stored, with
    /// the drift found added to its counter.
    public static func reconcile(bigPandaActive: Int, untracked: Int, drift: Int, storing: Bool) -> RunMetrics {
        let live = [
            MetricSample(name: MetricName.bigPandaActive, value: Double(bigPandaActive)),
            MetricSample(name: MetricName.untracked, value: Double(untracked)),
        ]
        guard storing else { return RunMetrics(live: live, updates: []) }
        var updates = live.map { MetricUpdate(name: $0.name, value: $0.value, operation: .set) }
        updates.append(MetricUpdate(name: MetricName.drift, value: Double(drift), operation: .add))
        return RunMetrics(live: live, updates: updates)
    }

    /// The live gauges about open alerts: how many, and the oldest one's last notification, at
    /// wall-clock `now`.
    public static func openGauges(open: Int, oldestLastReceived: Int64?, now: Int64) -> [MetricSample] {
        [
            MetricSample(name: MetricName.openAlerts, value: Double(open)),
            MetricSample(
                name: MetricName.oldestOpenAlertAge, value: Double(oldestLastReceived.map { max(0, now - $0) } ?? 0)),
        ]
    }

    /// The relay's live samples: its outbox, and its counters since it started.
    public static func relay(
        outboxPending: Int, outboxRejected: Int, requests: [Int: Int], accepted: Int, forwarded: Int, rejected: Int
    ) -> [MetricSample] {
        var live = [
            MetricSample(name: MetricName.relayOutboxDepth, value: Double(outboxPending)),
            MetricSample(name: MetricName.relayOutboxRejected, value: Double(outboxRejected)),
        ]
        for (code, count) in requests {
            live.append(
                MetricSample(
                    name: MetricName.relayRequests, labels: MetricLabels([(.code, String(code))]),
                    value: Double(count)))
        }
        live.append(MetricSample(name: MetricName.relayAccepted, value: Double(accepted)))
        live.append(MetricSample(name: MetricName.relayForwarded, value: Double(forwarded)))
        live.append(MetricSample(name: MetricName.relayRejectedForwards, value: Double(rejected)))
        return live
    }

    /// Adds another part of the same run (a sweep's cleanup reconciled first): its samples and updates.
    public mutating func append(_ other: RunMetrics) {
        live += other.live
        updates += other.updates
    }

    /// What a run learned from Logz.io: a failed fetch of definitions, failed searches of the trigger log
    /// and the alerts a trigger kept (counters, stored by sending runs), and the unverified definitions
    /// (a gauge, when evidence is on).
    public static func logzio(
        definitionFetchFailed: Bool, evidenceFailures: Int, keptByTrigger: Int, unverifiedDefinitions: Int?,
        storing: Bool
    ) -> RunMetrics {
        let live =
            unverifiedDefinitions.map { [MetricSample(name: MetricName.evidenceUnverified, value: Double($0))] } ?? []
        guard storing else { return RunMetrics(live: live, updates: []) }
        var updates = live.map { MetricUpdate(name: $0.name, value: $0.value, operation: .set) }
        if definitionFetchFailed {
            updates.append(MetricUpdate(name: MetricName.definitionFetchFailures, value: 1, operation: .add))
        }
        if evidenceFailures > 0 {
            updates.append(
                MetricUpdate(name: MetricName.evidenceFailures, value: Double(evidenceFailures), operation: .add))
        }
        if keptByTrigger > 0 {
            updates.append(MetricUpdate(name: MetricName.evidenceKept, value: Double(keptByTrigger), operation: .add))
        }
        return RunMetrics(live: live, updates: updates)
    }

    /// What people's holds kept (by hold) and the comments that failed, added to their counters by a
    /// sending run.
    public static func people(keptBy: [String: Int], commentFailures: Int, storing: Bool) -> RunMetrics {
        guard storing else { return RunMetrics(live: [], updates: []) }
        var updates = keptBy.sorted { $0.key < $1.key }.map {
            MetricUpdate(
                name: MetricName.keptByPeople, labels: MetricLabels([(.reason, $0.key)]), value: Double($0.value),
                operation: .add)
        }
        if commentFailures > 0 {
            updates.append(
                MetricUpdate(name: MetricName.commentFailures, value: Double(commentFailures), operation: .add))
        }
        return RunMetrics(live: [], updates: updates)
    }
}
