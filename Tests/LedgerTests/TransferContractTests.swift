import Alerts
import Ledger
import ResolverMetrics
import Testing

/// The contract of `LedgerTransfer`: a whole ledger moves between any two backends, row for row.
@Suite struct TransferContractTests {
    /// Fills `ledger` with a row in every table: open, resolved, rejected and adopted alerts, several
    /// events per identity, sent oks, an outbox, heartbeats, counters and definitions.
    func fill(_ ledger: any LedgerBackend) throws {
        let t: Int64 = 1_790_000_000
        try ledger.record(
            [
                try event("critical", host: "a", at: t + 100, timestamp: t + 90, forward: #"{"host":"a"}"#),
                try event("critical", host: "b", at: t + 110, forward: #"{"host":"b"}"#),
                try event("warning", host: "c", at: t + 120),
            ], recordedAt: t + 121)
        try ledger.record([try event("critical", host: "a", at: t + 200, timestamp: t + 205)], recordedAt: t + 201)
        try ledger.record([try event("ok", host: "c", at: t + 210)], recordedAt: t + 211)
        try ledger.completeOutbox(ids: [try #require(try ledger.pendingOutbox(limit: 1).first).id])
        let open = try allAlerts(ledger, [.open])
        let a = try #require(open.first { $0.display.contains("host=a") })
        let b = try #require(open.first { $0.display.contains("host=b") })
        try ledger.rejectOutbox(id: try #require(try ledger.pendingOutbox(limit: 1).first).id, error: "400 no")
        _ = try ledger.apply([sendRecord(a, at: t + 300, kind: .delivered)])
        for run in 0..<3 { _ = try ledger.apply([sendRecord(b, at: t + Int64(310 + run), kind: .permanent)]) }
        let parts: [AlertIdentity.IdentityPart] = [.init(name: "host", value: "z"), .init(name: "check", value: "cpu")]
        let payload = try #require(
            try JSONParser.parse(#"{"host":"z","check":"cpu","status":"critical","bigpanda_alert_id":"bp-9"}"#)
                .objectValue)
        _ = try ledger.adopt(
            [Adoption(parts: parts, payload: payload, status: .critical, receivedAt: t + 400, bigPandaAlertID: "bp-9")],
            recordedAt: t + 401)
        try ledger.rememberBigPandaIDs([(alertID: a.id, bigPandaAlertID: "bp-a")])
        try ledger.heartbeat(runID: "run-2", at: t + 50)
        try ledger.heartbeat(runID: "run-1", at: t + 10)
        try ledger.heartbeat(runID: "run-1", at: t + 40)
        try ledger.add(to: MetricName(stored: "c_total"), labels: MetricLabels(stored: #"rule="r""#), value: 2.5)
        try ledger.set(gauge: MetricName(stored: "g"), labels: .none, value: 1e-3)
        try ledger.storeDefinitions(
            #"[{"id":7}]"#, ids: [7, 8], fetchedAt: t + 500, account: LogzioAccountKey.topLevel)
        try ledger.storeDefinitions(#"[{"id":8}]"#, ids: [8], fetchedAt: t + 600, account: "4242")
    }

    func rows(_ ledger: any LedgerTransfer) throws -> [LedgerRow] {
        var rows: [LedgerRow] = []
        try ledger.exportRows { rows.append($0) }
        return rows
    }

    @Test(arguments: LedgerBackends.all, LedgerBackends.all)
    func aWholeLedgerMovesRowForRow(_ from: LedgerBackendFactory, _ to: LedgerBackendFactory) throws {
        try from.withFresh { source in
            try fill(source.ledger)
            let reader = try source.readOnly()
            let expected = try rows(reader)
            #expect(Set(expected.map(\.table)) == Set(LedgerTable.allCases), "every table has a row")
            try to.withFresh { target in
                var exported: [LedgerTable: Int] = [:]
                try target.ledger.importRows { write in exported = try reader.exportRows(write) }
                #expect(try rows(target.ledger) == expected)
                #expect(try target.ledger.rowCounts() == exported)
                #expect(exported == Dictionary(grouping: expected, by: \.table).mapValues(\.count))
                // What the commands read is the same, and the target goes on numbering past the copied ids.
                let alerts = try allAlerts(target.ledger)
                #expect(alerts.map(\.id) == (try allAlerts(reader)).map(\.id))
                #expect(alerts.map(\.maxTimestamp) == (try allAlerts(reader)).map(\.maxTimestamp))
                try target.ledger.record(
                    [try event("critical", host: "new", at: 1_790_000_600)], recordedAt: 1_790_000_600)
                let added = try #require(try allAlerts(target.ledger).first { $0.display.contains("host=new") })
                #expect(added.id > (alerts.map(\.id).max() ?? 0))
            }
        }
    }

    @Test(arguments: LedgerBackends.all)
    func aTargetHoldingAlertsIsRefusedAndLeftAsItWas(_ backend: LedgerBackendFactory) throws {
        try backend.withFresh { fresh in
            try fresh.ledger.record([try event("critical", host: "held", at: 5)], recordedAt: 5)
            try fresh.ledger.heartbeat(runID: "only", at: 5)
            let before = try rows(fresh.ledger)
            #expect(throws: LedgerNotEmptyError.self) {
                try fresh.ledger.importRows { write in try write(before[0]) }
            }
            #expect(try rows(fresh.ledger) == before)
        }
    }

    @Test(arguments: LedgerBackends.all)
    func aTargetWithoutAlertsIsTakenAndWhatItHeldIsReplaced(_ backend: LedgerBackendFactory) throws {
        try LedgerBackends.sqlite.withFresh { source in
            try fill(source.ledger)
            let expected = try rows(source.ledger)
            try backend.withFresh { target in
                // What runs on an empty ledger leave behind: a heartbeat and a counter.
                try target.ledger.heartbeat(runID: "target-only", at: 5)
                try target.ledger.add(
                    to: MetricName(stored: "logzio_resolver_target_only_total"), labels: .none, value: 1)
                try target.ledger.importRows { write in try source.ledger.exportRows(write) }
                #expect(try rows(target.ledger) == expected)
            }
        }
    }

    @Test(arguments: LedgerBackends.all)
    func aFailureHalfWayWritesNothing(_ backend: LedgerBackendFactory) throws {
        struct Broken: Error {}
        try LedgerBackends.sqlite.withFresh { source in
            try fill(source.ledger)
            try backend.withFresh { target in
                var written = 0
                #expect(throws: Broken.self) {
                    try target.ledger.importRows { write in
                        try source.ledger.exportRows { row in
                            if written == 5 { throw Broken() }
                            try write(row)
                            written += 1
                        }
                    }
                }
                #expect(written == 5)
                let counts = try target.ledger.rowCounts()
                #expect(counts.values.allSatisfy { $0 == 0 }, "\(counts)")
            }
        }
    }
}
