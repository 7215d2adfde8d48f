import Alerts
import Ledger
import ResolverMetrics
import TestSupport
import Testing

@testable import PostgresLedger

/// Recording many events at once (an import, a relay request with several alerts) is recording them
/// one at a time: the same alerts, events, audit rows, counters and outbox, row for row and id for
/// id, on every backend. The PostgreSQL ledger writes a batch with a few statements per round of
/// events and each alert's row once, by its own state machine in memory; here is where it would differ.
@Suite struct BulkRecordingContractTests {
    static let t: Int64 = 1_790_000_000

    /// A small deterministic generator (an LCG), so a failure can be replayed.
    struct Generator {
        var state: UInt64

        mutating func next(_ bound: Int) -> Int {
            state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            return Int((state >> 33) % UInt64(bound))
        }
    }

    static func payload(host: Int, status: String, timestamp: Int64? = nil) -> String {
        let appKey = host % 2 == 0 ? "k" : "k2"
        let stamp = timestamp.map { #","timestamp":\#($0)"# } ?? ""
        return #"{"app_key":"\#(appKey)","status":"\#(status)","host":"h\#(host)","check":"cpu"\#(stamp)}"#
    }

    /// A history over 12 identities and two app keys: oks, re-notifications, events that arrive late
    /// (older than the alert's latest), ties, explicit timestamps, and forwards for the outbox.
    static func history(count: Int, seed: UInt64) throws -> [IncomingEvent] {
        var random = Generator(state: seed)
        var latest: [Int: Int64] = [:]
        var events: [IncomingEvent] = []
        for step in 0..<count {
            let host = random.next(12)
            let status = random.next(10) < 3 ? "ok" : (random.next(2) == 0 ? "critical" : "warning")
            var received = t + 1000 + Int64(step) * 10
            switch random.next(10) {
            case 0, 1: received -= Int64(random.next(400))  // late: may be older than the latest
            case 2: received = latest[host] ?? received  // a tie with the latest
            default: break
            }
            latest[host] = max(latest[host] ?? received, received)
            let timestamp = random.next(5) == 0 ? t + Int64(random.next(20_000)) : nil
            let forward = random.next(5) == 0 ? #"{"host":"h\#(host)"}"# : nil
            events.append(
                IncomingEvent(
                    alert: try makeAlert(payload(host: host, status: status, timestamp: timestamp)),
                    receivedAt: received,
                    forward: forward))
        }
        return events
    }

    /// What each run starts from: alerts resolved by our oks just before the history (so its non-ok
    /// events within the hour count as refires), one resolved by an ok sent after the history begins,
    /// one rejected after three refusals, and one adopted from BigPanda whose identity the history
    /// takes over with its first event.
    static func prepare(_ ledger: any LedgerBackend) throws {
        for host in 0..<6 {
            try ledger.record(
                [IncomingEvent(alert: try makeAlert(payload(host: host, status: "critical")), receivedAt: t + 100)],
                recordedAt: t + 100)
        }
        let open = try allAlerts(ledger, [.open]).sorted { $0.id < $1.id }
        _ = try ledger.apply(open.prefix(3).map { sendRecord($0, at: t + 500, kind: .delivered) })
        _ = try ledger.apply([sendRecord(open[3], at: t + 2000, kind: .delivered)])
        for run in 0..<3 { _ = try ledger.apply([sendRecord(open[4], at: t + 600 + Int64(run), kind: .permanent)]) }
        let adopted = try makeAlert(payload(host: 8, status: "critical"))
        let body = try #require(try JSONParser.parse(#"{"host":"h8","check":"cpu","status":"critical"}"#).objectValue)
        _ = try ledger.adopt(
            [
                Adoption(
                    parts: adopted.identity.parts, payload: body, status: .critical, receivedAt: t + 700,
                    bigPandaAlertID: "bp-8")
            ], recordedAt: t + 700)
    }

    enum Way: CaseIterable {
        case oneAtATime, oneCall, stream
    }

    /// Every row after preparing a fresh ledger and recording `history` one way; nil without a server.
    static func recorded(_ backend: LedgerBackendFactory, _ way: Way, _ history: [IncomingEvent]) throws
        -> [LedgerRow]?
    {
        var rows: [LedgerRow]?
        try backend.withFresh { fresh in
            // Small rounds, and few alerts followed at once, so a short history crosses both limits.
            (fresh.ledger as? PostgresLedger)?.recordBatchLimits = .init(eventsPerRound: 7, followedAlerts: 5)
            try prepare(fresh.ledger)
            switch way {
            case .oneAtATime:
                for event in history { try fresh.ledger.record([event], recordedAt: t + 9000) }
            case .oneCall:
                try fresh.ledger.record(history, recordedAt: t + 9000)
            case .stream:
                let committed = try fresh.ledger.recordStream(recordedAt: t + 9000) { record in
                    for event in history { try record(event) }
                    return true
                }
                #expect(committed)
            }
            var all: [LedgerRow] = []
            try fresh.ledger.exportRows { all.append($0) }
            rows = all
        }
        return rows
    }

    @Test(arguments: LedgerBackends.all)
    func recordingInBulkIsRecordingOneAtATime(_ backend: LedgerBackendFactory) async throws {
        // Seconds of blocking database work: on a thread of its own, and checked back on the test's task.
        typealias Run = (seed: UInt64, expected: [LedgerRow], ways: [(Way, [LedgerRow])])
        let runs = try await OffPool.run { () throws -> [Run] in
            var runs: [Run] = []
            for seed: UInt64 in [1, 2, 3] {
                let history = try Self.history(count: 300, seed: seed)
                guard let expected = try Self.recorded(LedgerBackends.sqlite, .oneAtATime, history) else { return [] }
                var ways: [(Way, [LedgerRow])] = []
                for way in Way.allCases {
                    guard let rows = try Self.recorded(backend, way, history) else { return [] }
                    ways.append((way, rows))
                }
                runs.append((seed, expected, ways))
            }
            return runs
        }
        for (seed, expected, ways) in runs {
            #expect(
                expected.contains { $0.table == .counters && $0.values.first == .text(MetricName.refired.rawValue) })
            #expect(expected.contains { $0.table == .outbox })
            for (way, rows) in ways {
                // Only the first difference: the whole ledger would drown it.
                #expect(rows.count == expected.count, "seed \(seed), \(way): \(rows.count) rows, not \(expected.count)")
                if let (got, wanted) = zip(rows, expected).first(where: { $0 != $1 }) {
                    Issue.record("seed \(seed), \(way): \(got) instead of \(wanted)")
                }
            }
        }
    }

    @Test(arguments: LedgerBackends.all)
    func aBulkRecordIsAllOrNothing(_ backend: LedgerBackendFactory) throws {
        try backend.withFresh { fresh in
            (fresh.ledger as? PostgresLedger)?.recordBatchLimits = .init(eventsPerRound: 3, followedAlerts: 2)
            let history = try Self.history(count: 50, seed: 9)
            struct Boom: Error {}
            #expect(throws: Boom.self) {
                try fresh.ledger.recordStream(recordedAt: Self.t) { record in
                    for event in history { try record(event) }
                    throw Boom()
                }
            }
            let declined = try fresh.ledger.recordStream(recordedAt: Self.t) { record in
                for event in history { try record(event) }
                return false
            }
            #expect(!declined)
            #expect(try fresh.ledger.rowCounts().values.allSatisfy { $0 == 0 })
            // The handle is still good for a record that commits.
            try fresh.ledger.record(Array(history.prefix(10)), recordedAt: Self.t)
            #expect(try allAlerts(fresh.ledger).count > 0)
        }
    }
}
