import Alerts
import Ledger
import Testing

/// The contract of `ReconcileStore`, `DefinitionCache` and `HistoryReading`, run against every backend.
@Suite struct ReconcileContractTests {
    let parts: [AlertIdentity.IdentityPart] = [.init(name: "host", value: "web-9"), .init(name: "check", value: "cpu")]

    func adoption(at: Int64, id: String = "bp-1") throws -> Adoption {
        let payload = try #require(
            try JSONParser.parse(
                #"{"host":"web-9","check":"cpu","status":"critical","primary_property":"host","secondary_property":"check","bigpanda_alert_id":"\#(id)"}"#
            ).objectValue)
        return Adoption(parts: parts, payload: payload, status: .critical, receivedAt: at, bigPandaAlertID: id)
    }

    @Test(arguments: LedgerBackends.all)
    func adoptionRecordsAnOpenAlertWithoutAnAppKeyThatTheRelayLaterClaims(_ backend: LedgerBackendFactory) throws {
        try backend.withFresh { fresh in
            let ledger = fresh.ledger
            let ids = try ledger.adopt([try adoption(at: 1_000)], recordedAt: 2_000)
            var alerts = try allAlerts(ledger)
            #expect(alerts.map(\.id) == ids)
            #expect(alerts.first?.adopted == true)
            #expect(alerts.first?.appKey == Adoption.unknownAppKey)
            #expect(alerts.first?.bigPandaAlertID == "bp-1")
            #expect(alerts.first?.lastReceived == 1_000)
            #expect(alerts.first?.display == "host=web-9 check=cpu")

            // Adopting it again while open adds history, not a second alert.
            _ = try ledger.adopt([try adoption(at: 1_100)], recordedAt: 2_100)
            #expect(try allAlerts(ledger).count == 1)

            // The first event from the relay with the same identity makes it an ordinary alert.
            try ledger.record([try event("critical", host: "web-9", at: 3_000)], recordedAt: 3_000)
            alerts = try allAlerts(ledger)
            #expect(alerts.count == 1)
            #expect(alerts.first?.adopted == false)
            #expect(alerts.first?.appKey == "k")
            #expect(alerts.first?.lastReceived == 3_000)
            #expect(alerts.first?.bigPandaAlertID == "bp-1", "the BigPanda id is kept")
        }
    }

    @Test(arguments: LedgerBackends.all)
    func closesByIdReCloseDriftAndMarksAreFenced(_ backend: LedgerBackendFactory) throws {
        try backend.withFresh { fresh in
            let ledger = fresh.ledger
            try ledger.record([try event("critical", host: "web-1", at: 100)], recordedAt: 100)
            var alert = try #require(try allAlerts(ledger).first)
            func close(at: Int64, eventID: Int64) throws -> AppliedOutcome? {
                try ledger.apply([sendRecord(alert, at: at, kind: .delivered, eventID: eventID, method: .id)]).first
            }
            #expect(try close(at: 200, eventID: alert.currentEventID) == .resolved)
            alert = try #require(try allAlerts(ledger).first)
            #expect(alert.state == .resolved)
            #expect(alert.resolvedBy == .id)
            #expect(alert.resolvedAt == 200)
            // Drift: closing a resolved alert by id again restarts its grace.
            #expect(try close(at: 300, eventID: alert.currentEventID) == .resolved)
            #expect(try allAlerts(ledger).first?.resolvedAt == 300)
            // A decision on an old event is fenced.
            try ledger.record([try event("critical", host: "web-1", at: 400)], recordedAt: 400)
            #expect(try close(at: 500, eventID: alert.currentEventID) == .fenced)
            #expect(try ledger.markResolvedInBigPanda([(alert.id, alert.currentEventID)], at: 600) == 0)
            alert = try #require(try allAlerts(ledger).first)
            #expect(alert.state == .open)
            #expect(try ledger.markResolvedInBigPanda([(alert.id, alert.currentEventID)], at: 600) == 1)
            alert = try #require(try allAlerts(ledger).first)
            #expect(alert.state == .resolved)
            #expect(alert.resolvedBy == .bigpanda)
            try ledger.rememberBigPandaIDs([(alert.id, "bp-7")])
            #expect(try allAlerts(ledger).first?.bigPandaAlertID == "bp-7")
        }
    }

    @Test(arguments: LedgerBackends.all)
    func definitionCacheRoundTrips(_ backend: LedgerBackendFactory) throws {
        try backend.withFresh { fresh in
            let ledger = fresh.ledger
            let top = LogzioAccountKey.topLevel
            #expect(try ledger.cachedDefinitions(account: top) == nil)
            try ledger.storeDefinitions("[1,2]", ids: [1, 2], fetchedAt: 100, account: top)
            try ledger.storeDefinitions("[2,3]", ids: [2, 3], fetchedAt: 200, account: top)
            // Another account's definitions and ids are its own: the same id means another definition.
            try ledger.storeDefinitions("[9]", ids: [9, 1], fetchedAt: 300, account: "4242")
            let cached = try #require(try fresh.another().cachedDefinitions(account: top))
            #expect(cached.text == "[2,3]")
            #expect(cached.fetchedAt == 200)
            #expect(try ledger.everListedDefinitionIDs(account: top) == [1, 2, 3])
            #expect(try ledger.cachedDefinitions(account: "4242")?.text == "[9]")
            #expect(try ledger.everListedDefinitionIDs(account: "4242") == [1, 9])
            #expect(try ledger.cachedDefinitions(account: "7") == nil)
        }
    }

    @Test(arguments: LedgerBackends.all)
    func historyStreamsByAlertThenReceiveTimeFromSince(_ backend: LedgerBackendFactory) throws {
        try backend.withFresh { fresh in
            // Recorded out of order across alerts, and an older event of web-1 recorded late.
            try fresh.ledger.record(
                [
                    try event("critical", host: "web-1", at: 300), try event("critical", host: "web-2", at: 100),
                    try event("ok", host: "web-1", at: 400), try event("critical", host: "web-1", at: 200),
                    try event("critical", host: "web-1", at: 50),
                ], recordedAt: 500)
            var events: [(alert: Int64, at: Int64, ok: Bool, host: String)] = []
            try fresh.readOnly().forEachEvent(since: 100) { event in
                let host = try JSONParser.parse(event.payloadText).objectValue?["host"]?.stringValue ?? ""
                events.append((event.alertID, event.receivedAt, event.isOK, host))
            }
            #expect(events.map(\.host) == ["web-1", "web-1", "web-1", "web-2"])
            #expect(events.map(\.at) == [200, 300, 400, 100])
            #expect(events.map(\.ok) == [false, false, true, false])
            #expect(Set(events.prefix(3).map(\.alert)).count == 1)
        }
    }
}
