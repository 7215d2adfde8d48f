import Alerts
import BigPanda
import Redaction
import Relay
import Staleness
import Testing

@Suite struct RelayOptionsTests {
    @Test func theRelayBeatsAtThePeriodSweepsAssume() {
        let options = RelayOptions(
            host: "127.0.0.1", port: 0, token: Secret("relay-token"), forward: false, maxBody: 1, defaultAppKey: nil,
            batchSize: 1)
        #expect(options.heartbeatPeriod == FeedLiveness.heartbeatPeriod)
        // A sweep counts one period of life after the last beat: exactly the gap to the next one.
        #expect(
            FeedLiveness(runs: [(first: 0, last: 0)]).aliveSeconds(from: 0, to: 3600)
                == options.heartbeatPeriod.wholeSeconds)
    }
}
