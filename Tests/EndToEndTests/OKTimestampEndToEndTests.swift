import Alerts
import AlertsStandIn
import Foundation
import TestSupport
import Testing

/// SPEC.md "The `ok` event": the sent `timestamp` is the later of the wall clock and 1 + the greatest timestamp
/// among every event recorded for the alert and every `ok` already sent for it, an event without a
/// `timestamp` counting as its receive time. Timestamps here are ahead of the wall clock, so the wall clock
/// cannot hide a wrong maximum.
@Suite(.timingSensitive) struct OKTimestampEndToEndTests {
    /// The `timestamp` of every `ok` the stand-in accepted for `host`, in the order sent.
    func okStamps(_ scenario: Scenario, host: String) -> [Int64] {
        scenario.standIn.received.filter { $0.alert["host"]?.stringValue == host }.compactMap {
            $0.alert["timestamp"]?.integerValue
        }
    }

    @Test func theOkIsOnePastTheGreatestEventOrOkTimestampAheadOfTheWallClock() async throws {
        let scenario = try Scenario()
        let now = nowSeconds()
        // Received 3 h ago (stale under the default 1h) with timestamps ahead of the wall clock.
        try await scenario.record(host: "later-event", at: now - 3 * 3600, extra: #","timestamp":\#(now + 1000)"#)
        try await scenario.record(host: "earlier-ok", at: now - 3 * 3600, extra: #","timestamp":\#(now + 1000)"#)
        // History: an event recorded late (an older receive time) with the greatest timestamp still counts.
        try await scenario.record(host: "late-history", at: now - 2 * 3600, extra: #","timestamp":\#(now + 100)"#)
        try await scenario.record(host: "late-history", at: now - 3 * 3600, extra: #","timestamp":\#(now + 3000)"#)

        var result = try await scenario.run(["sweep"])
        #expect(result.code == 0, "\(result.stderr)")
        #expect(okStamps(scenario, host: "later-event") == [now + 1001])
        #expect(okStamps(scenario, host: "earlier-ok") == [now + 1001])
        #expect(okStamps(scenario, host: "late-history") == [now + 3001])

        // Each re-fires (still 2 h ago, so stale again). For later-event the new event's timestamp is the
        // greatest; for earlier-ok our first ok's (now + 1001) is, though the new event is ahead of the clock too.
        try await scenario.record(host: "later-event", at: now - 2 * 3600, extra: #","timestamp":\#(now + 5000)"#)
        try await scenario.record(host: "earlier-ok", at: now - 2 * 3600, extra: #","timestamp":\#(now + 200)"#)
        result = try await scenario.run(["sweep"])
        #expect(result.code == 0, "\(result.stderr)")
        #expect(okStamps(scenario, host: "later-event") == [now + 1001, now + 5001])
        #expect(okStamps(scenario, host: "earlier-ok") == [now + 1001, now + 1002])
        #expect(okStamps(scenario, host: "late-history") == [now + 3001], "a resolved alert is not sent again")
    }

    /// BigPanda saw an event the ledger never did (Logz.io's built-in endpoint beside a record-only relay),
    /// with a timestamp ahead of the wall clock. The sweep's `ok` is later than everything the ledger knows
    /// but not than that event: BigPanda accepts it (201) and resolves nothing. The stand-in must show the
    /// alert still active, or every end-to-end "BigPanda shows it closed" check proves nothing.
    @Test func anOkNotLaterThanBigPandasLastEventLeavesTheAlertActive() async throws {
        let scenario = try Scenario()
        scenario.forwardsToBigPanda = false
        let now = nowSeconds()
        for host in ["ahead", "behind"] {
            try await scenario.record(host: host, at: now - 3 * 3600)
        }
        func seen(_ host: String, timestamp: Int64) throws -> JSONObject {
            try #require(
                try JSONParser.parse(
                    #"{"app_key":"\#(Scenario.appKey)","status":"critical","host":"\#(host)","check":"cpu","timestamp":\#(timestamp)}"#
                ).objectValue)
        }
        scenario.standIn.forwarded(try seen("ahead", timestamp: now + 5000), appKey: Scenario.appKey, at: now - 60)
        scenario.standIn.forwarded(try seen("behind", timestamp: now - 3 * 3600), appKey: Scenario.appKey, at: now - 60)
        #expect(scenario.activeHostsInBigPanda == ["ahead", "behind"])

        let result = try await scenario.run(["sweep", "--json"])
        #expect(result.code == 0, "\(result.stderr)")
        #expect(try jsonObject(result.stdout)["resolved"] as? Int == 2, "both oks were accepted: \(result.stdout)")
        let stamp = try #require(okStamps(scenario, host: "ahead").first)
        #expect(stamp < now + 5000, "the ok is not later than the event only BigPanda saw: \(stamp)")
        #expect(scenario.standIn.rejections.isEmpty)
        #expect(scenario.activeHostsInBigPanda == ["ahead"], "an ok that is not later resolves nothing")
    }

    @Test func anEventWithoutATimestampCountsAsItsReceiveTime() async throws {
        let scenario = try Scenario()
        let now = nowSeconds()
        // No `timestamp`, received (as `--at` says) ahead of the wall clock; `sweep --all` closes it anyway.
        try await scenario.record(host: "no-stamp", at: now + 2000)
        // A timestamped event, then a later one without: the receive time (the greater) counts.
        try await scenario.record(host: "mixed", at: now - 3 * 3600, extra: #","timestamp":\#(now + 100)"#)
        try await scenario.record(host: "mixed", at: now + 700)
        // Without any timestamp and received in the past: the wall clock wins.
        try await scenario.record(host: "past", at: now - 3 * 3600)

        let result = try await scenario.run(["sweep", "--all", "--yes"])
        #expect(result.code == 0, "\(result.stderr)")
        #expect(okStamps(scenario, host: "no-stamp") == [now + 2001])
        #expect(okStamps(scenario, host: "mixed") == [now + 701])
        let past = try #require(okStamps(scenario, host: "past").first)
        #expect(past >= now && past <= nowSeconds(), "the wall clock at sending: \(past), test started at \(now)")
    }
}
