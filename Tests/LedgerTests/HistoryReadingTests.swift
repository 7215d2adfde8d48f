import Alerts
import Ledger
import Testing

@Suite struct HistoryReadingTests {
    func history(_ ledger: any HistoryReading, since: Int64) throws -> [(
        alert: Int64, at: Int64, ok: Bool, host: String
    )] {
        var events: [(alert: Int64, at: Int64, ok: Bool, host: String)] = []
        try ledger.forEachEvent(since: since) { event in
            let host = try JSONParser.parse(event.payloadText).objectValue?["host"]?.stringValue ?? ""
            events.append((event.alertID, event.receivedAt, event.isOK, host))
        }
        return events
    }

    @Test func streamsByAlertThenReceiveTimeFromSince() throws {
        let temp = TemporaryLedger()
        let writer = try SQLiteLedger(path: temp.path)
        // Recorded out of order across alerts, and an older event of web-1 recorded late.
        try writer.record(
            [
                try event("critical", host: "web-1", at: 300), try event("critical", host: "web-2", at: 100),
                try event("ok", host: "web-1", at: 400), try event("critical", host: "web-1", at: 200),
                try event("critical", host: "web-1", at: 50),
            ], recordedAt: 500)
        let reader = try SQLiteLedger(path: temp.path, mode: .readOnly)
        let events = try history(reader, since: 100)
        #expect(events.map(\.host) == ["web-1", "web-1", "web-1", "web-2"])
        #expect(events.map(\.at) == [200, 300, 400, 100])
        #expect(events.map(\.ok) == [false, false, true, false])
        #expect(Set(events.prefix(3).map(\.alert)).count == 1)
    }

    @Test func aMissingLedgerHasNoHistory() throws {
        let temp = TemporaryLedger()
        let reader = try SQLiteLedger.open(path: temp.path, mode: .readOnly)
        #expect(try history(reader, since: 0).isEmpty)
    }
}
