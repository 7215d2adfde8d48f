import Testing

@testable import ResolverMetrics

@Suite struct RunMetricsTests {
    @Test func aSweepsGaugesAreOnTheWallClock() {
        let run = RunMetrics.sweep(
            finishedAt: 1_795_773_600, duration: 1.5, stale: 3, held: false, exitCode: 0, storing: true)
        #expect(
            run.live == [
                MetricSample(name: MetricName.lastRun, value: 1_795_773_600),
                MetricSample(name: MetricName.runDuration, value: 1.5),
                MetricSample(name: MetricName.stale, value: 3),
            ])
        #expect(run.updates.contains(MetricUpdate(name: MetricName.lastSuccess, value: 1_795_773_600, operation: .set)))
    }

    @Test(arguments: [(Int32(0), true, true), (1, true, false), (75, true, false), (0, false, false)])
    func lastSuccessOnlyOnExitZeroOfASendingRun(exitCode: Int32, storing: Bool, expected: Bool) {
        let run = RunMetrics.sweep(
            finishedAt: 100, duration: 0, stale: 0, held: false, exitCode: exitCode, storing: storing)
        #expect(run.updates.contains { $0.name == MetricName.lastSuccess } == expected)
    }

    @Test func aDryRunStoresNothing() {
        #expect(
            RunMetrics.sweep(finishedAt: 1, duration: 0, stale: 2, held: true, exitCode: 0, storing: false).updates
                == [])
        #expect(RunMetrics.reconcile(bigPandaActive: 4, untracked: 1, drift: 2, storing: false).updates == [])
    }

    @Test func aHoldIsCountedNotSet() {
        let run = RunMetrics.sweep(finishedAt: 1, duration: 0, stale: 0, held: true, exitCode: 75, storing: true)
        #expect(run.updates.contains(MetricUpdate(name: MetricName.heldRuns, value: 1, operation: .add)))
    }

    @Test func reconcileSetsItsGaugesAndAddsDrift() {
        let run = RunMetrics.reconcile(bigPandaActive: 4, untracked: 1, drift: 2, storing: true)
        #expect(
            run.updates == [
                MetricUpdate(name: MetricName.bigPandaActive, value: 4, operation: .set),
                MetricUpdate(name: MetricName.untracked, value: 1, operation: .set),
                MetricUpdate(name: MetricName.drift, value: 2, operation: .add),
            ])
    }

    @Test func theOldestOpenAgeIsMeasuredFromNowAndNeverNegative() {
        let gauges = RunMetrics.openGauges(open: 2, oldestLastReceived: 1_000, now: 1_060)
        #expect(gauges.map(\.value) == [2, 60])
        #expect(RunMetrics.openGauges(open: 1, oldestLastReceived: 2_000, now: 1_060)[1].value == 0)
        #expect(RunMetrics.openGauges(open: 0, oldestLastReceived: nil, now: 1_060)[1].value == 0)
    }

    @Test func gaugesAndTheHeldCounterRenderZeroWhenAbsentOtherCountersDoNot() {
        let text = MetricsText.render(stored: [], live: [])
        #expect(text.contains("\n\(MetricName.heldRuns) 0\n"))
        #expect(text.contains("\n\(MetricName.openAlerts) 0\n"))
        #expect(!text.contains("\n\(MetricName.drift) 0\n"))
        #expect(text.contains("# TYPE \(MetricName.drift) counter\n"))
    }

    @Test func labelsAreEscapedAsPrometheusRequires() {
        let labels = MetricLabels([(.appKey, "a\"b"), (.rule, "back\\slash\nnewline")])
        #expect(labels.text == #"app_key="a\"b",rule="back\\slash\nnewline""#)
        #expect(MetricLabels.none.text.isEmpty)
        #expect(MetricLabels([(.rule, "plain")]).text == #"rule="plain""#)
    }

    @Test func relaySamplesRenderUnderTheRelayFamilies() {
        let live = RunMetrics.relay(
            outboxPending: 2, outboxRejected: 1, requests: [202: 5, 401: 1], accepted: 7, forwarded: 6,
            rejected: 1)
        let text = MetricsText.render(stored: [], live: live, extraFamilies: MetricFamily.relay)
        #expect(
            text.contains("\(MetricName.relayRequests){code=\"202\"} 5\n\(MetricName.relayRequests){code=\"401\"} 1\n"))
        #expect(text.contains("\n\(MetricName.relayOutboxDepth) 2\n"))
        #expect(text.hasSuffix("# TYPE \(MetricName.relayOutboxRejected) gauge\n\(MetricName.relayOutboxRejected) 1\n"))
    }
}
