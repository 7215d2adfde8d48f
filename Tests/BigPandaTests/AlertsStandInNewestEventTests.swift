import Alerts
import AlertsStandIn
import Foundation
import StandInHTTP
import TestSupport
import Testing

/// The stand-in is the oracle of the end-to-end tests ("BigPanda shows this alert closed"), so its
/// newest-timestamp rule is tested on its own: BigPanda keeps the newest event by timestamp, and an `ok`
/// whose timestamp is not later than the alert's last event resolves nothing.
@Suite(.timingSensitive) struct AlertsStandInNewestEventTests {
    static let token = "stand-in-oracle-token"
    static let stamp: Int64 = 1_800_000_000

    /// One event for host `h`, sent through the Alerts API as the sweep sends it.
    static func post(_ standIn: AlertsStandIn, status: String, timestamp: Int64?) -> Int {
        let stamp = timestamp.map { #","timestamp":\#($0)"# } ?? ""
        let body = #"{"app_key":"k","alerts":[{"status":"\#(status)","host":"h","check":"cpu"\#(stamp)}]}"#
        let response = standIn.respond(
            to: StandInRequest(
                method: "POST", path: AlertsStandIn.alertsPath,
                headers: [("Authorization", "Bearer \(token)"), ("Content-Type", "application/json")],
                body: Array(body.utf8)))
        return response.status
    }

    /// A stand-in whose BigPanda holds one active alert for `h` whose last event has timestamp `stamp`.
    static func opened() throws -> AlertsStandIn {
        let standIn = AlertsStandIn(token: token)
        #expect(post(standIn, status: "critical", timestamp: stamp) == 201)
        try #require(standIn.activeAlerts.count == 1)
        return standIn
    }

    @Test(
        arguments: [
            (stamp - 3600, true, "an ok older than the last event"),
            (stamp - 1, true, "an ok one second older"),
            (stamp, true, "an ok with the same timestamp: not later, so nothing"),
            (stamp + 1, false, "an ok one second later resolves"),
            (stamp + 86_400, false, "an ok a day later resolves"),
        ] as [(Int64, Bool, String)])
    func anOkResolvesOnlyWhenItIsLaterThanTheLastEvent(okStamp: Int64, staysActive: Bool, why: String) throws {
        let standIn = try Self.opened()
        // BigPanda accepts the event either way: a 201 says nothing about what it closed.
        #expect(Self.post(standIn, status: "ok", timestamp: okStamp) == 201)
        let alert = try #require(standIn.bigPandaAlerts.first)
        #expect(alert.active == staysActive, "\(why)")
        #expect(alert.status == (staysActive ? "critical" : "ok"), "\(why)")
        #expect(alert.timestamp == (staysActive ? Self.stamp : okStamp), "the newest event is kept: \(why)")
    }

    @Test func anOkWithoutATimestampTakesTheArrivalTimeAndLosesToAnEventFromTheFuture() throws {
        let standIn = AlertsStandIn(token: Self.token)
        let future = Int64(Date().timeIntervalSince1970) + 86_400
        #expect(Self.post(standIn, status: "critical", timestamp: future) == 201)
        #expect(Self.post(standIn, status: "ok", timestamp: nil) == 201)
        #expect(standIn.activeAlerts.count == 1, "arrival time is before the critical event's timestamp")
        #expect(Self.post(standIn, status: "ok", timestamp: future + 1) == 201)
        #expect(standIn.activeAlerts.isEmpty)
    }

    @Test func anOlderEventNeitherReopensNorOverwritesAndANewerOneReopens() throws {
        let standIn = try Self.opened()
        #expect(Self.post(standIn, status: "ok", timestamp: Self.stamp + 10) == 201)
        #expect(standIn.activeAlerts.isEmpty)
        // A critical event sent late (older than the ok) changes nothing.
        #expect(Self.post(standIn, status: "critical", timestamp: Self.stamp + 5) == 201)
        #expect(standIn.activeAlerts.isEmpty, "an older event does not reopen the alert")
        #expect(standIn.bigPandaAlerts.first?.timestamp == Self.stamp + 10)
        // A newer one reopens it, and an ok must then be later than that one.
        #expect(Self.post(standIn, status: "warning", timestamp: Self.stamp + 20) == 201)
        #expect(standIn.activeAlerts.map(\.status) == ["warning"])
        #expect(Self.post(standIn, status: "ok", timestamp: Self.stamp + 20) == 201)
        #expect(standIn.activeAlerts.count == 1, "an ok with the reopening event's timestamp")
        #expect(Self.post(standIn, status: "ok", timestamp: Self.stamp + 21) == 201)
        #expect(standIn.activeAlerts.isEmpty)
    }

    @Test func eventsForwardedEarlierFollowTheSameRule() throws {
        let standIn = AlertsStandIn(token: Self.token)
        let alert = try #require(
            try JSONParser.parse(#"{"status":"critical","host":"h","check":"cpu","timestamp":\#(Self.stamp)}"#)
                .objectValue)
        standIn.forwarded(alert, appKey: "k", at: Self.stamp - 60)
        #expect(Self.post(standIn, status: "ok", timestamp: Self.stamp) == 201)
        #expect(standIn.activeAlerts.count == 1)
        #expect(Self.post(standIn, status: "ok", timestamp: Self.stamp + 1) == 201)
        #expect(standIn.activeAlerts.isEmpty)
        #expect(standIn.requestCount == 2, "forwarded events are not requests")
    }
}
