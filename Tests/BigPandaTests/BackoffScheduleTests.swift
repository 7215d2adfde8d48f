import Alerts
import BigPanda
import Curl
import Logging
import Redaction
import Testing

/// The backoff the sweep and the relay's forwarder share: full jitter under a ceiling that starts at
/// 0.5 s and doubles per attempt up to 30 s, never less than `Retry-After`.
@Suite struct BackoffScheduleTests {
    @Test func theCeilingDoublesFromHalfASecondToThirtySecondsAndRetryAfterIsAFloor() throws {
        let curl = try CurlClient(options: CurlClientOptions(userAgent: "test"))
        defer { curl.shutdown() }
        let client = AlertsClient(
            options: AlertsClientOptions(token: Secret("backoff-test-token")), curl: curl, logger: Logger(label: "t"))
        let policy = client.retryPolicy(limit: .forever)
        let ceilings: [Double] = [0.5, 1, 2, 4, 8, 16, 30, 30, 30]
        for (index, ceiling) in ceilings.enumerated() {
            let delays = (0..<400).map { _ in
                policy.delay(attempt: index + 1, retryAfter: nil).inSeconds
            }
            let highest = delays.max() ?? 0
            let lowest = delays.min() ?? 0
            #expect(highest <= ceiling, "attempt \(index + 1): \(highest) s over the ceiling \(ceiling) s")
            // Full jitter: the draws spread over the whole range, not bunched at the ceiling.
            #expect(highest > ceiling * 0.8, "attempt \(index + 1)")
            #expect(lowest < ceiling * 0.2, "attempt \(index + 1)")
        }
        #expect(policy.delay(attempt: 1, retryAfter: .seconds(7)) >= .seconds(7), "Retry-After is a floor")
    }
}
