import Ledger
import ResolverMetrics
import Testing

/// The per-series counters a batch of sends adds, and the label text they are stored under.
@Suite struct OutcomeCountsTests {
    func record(_ appKey: String, _ rule: String) -> SendRecord {
        SendRecord(
            alertID: 1, appKey: appKey, eventID: 1, sentAt: 1, timestamp: 1, rule: rule, reason: "r", httpStatus: 201,
            attempts: 1, kind: .delivered, error: nil)
    }

    @Test func oneSeriesPerMetricAppKeyAndRule() {
        var counts = OutcomeCounts()
        for _ in 0..<3 { counts.add(.resolved, for: record("k1", "default")) }
        counts.add(.failed, for: record("k1", "default"))
        counts.add(.rejected, for: record("k1", "default"))
        counts.add(.fenced, for: record("k1", "default"))
        counts.add(.resolved, for: record("k\"2", "a\\b\nc"))
        let series = counts.series.map { "\($0.name) \($0.labels) \($0.value)" }.sorted()
        #expect(
            series
                == [
                    "\(MetricName.failed) app_key=\"k1\",rule=\"default\" 2.0",
                    "\(MetricName.resolved) app_key=\"k1\",rule=\"default\" 3.0",
                    "\(MetricName.resolved) app_key=\"k\\\"2\",rule=\"a\\\\b\\nc\" 1.0",
                ].sorted())
    }
}
