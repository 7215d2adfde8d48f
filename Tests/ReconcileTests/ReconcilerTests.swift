import Alerts
import BigPanda
import Foundation
import Ledger
import Logging
import Reconcile
import SQLiteLedger
import Staleness
import Synchronization
import Testing

/// BigPanda's Incidents API as reconcile sees it: a fixed search answer, and the closes asked for.
final class FakeIncidents: IncidentsAPI {
    private let state: Mutex<(search: Result<IncidentSearch, IncidentsError>, resolved: [[String]])>

    init(_ alerts: [IncidentAlert], truncated: Bool = false) {
        state = Mutex(
            (
                .success(
                    IncidentSearch(
                        alerts: alerts, total: alerts.count, incidentsRead: alerts.count, truncated: truncated)), []
            ))
    }

    init(failing error: IncidentsError) {
        state = Mutex((.failure(error), []))
    }

    /// The ids of each batch resolution asked for.
    var resolved: [[String]] { state.withLock { $0.resolved } }

    func search(query: String?) async throws(IncidentsError) -> IncidentSearch {
        try state.withLock { $0.search }.get()
    }

    func resolve(ids: [String], comments: String) async throws(IncidentsError) -> (status: Int, attempts: Int) {
        state.withLock { $0.resolved.append(ids) }
        return (202, 1)
    }

    /// Reconcile reads no activities: an empty feed.
    func activities(incidentID: String) async throws(IncidentsError) -> [IncidentActivity] {
        []
    }

    /// Reconcile posts no comments: accepted and forgotten.
    func comment(incidentID: String, text: String) async throws(IncidentsError) -> (status: Int, attempts: Int) {
        (201, 1)
    }
}

/// A wall clock a test sets, in epoch seconds.
final class SettableClock: Sendable {
    private let seconds = Atomic<Int64>(0)

    /// The time now.
    var now: Int64 { seconds.load(ordering: .relaxed) }

    /// Sets the time.
    func set(_ value: Int64) { seconds.store(value, ordering: .relaxed) }
}

/// A ledger in memory, alerts recorded at fixed times, and BigPanda's alerts for them.
final class ReconcileFixture {
    static let now: Int64 = 1_800_000_000
    let ledger: SQLiteLedger

    init() throws {
        ledger = try SQLiteLedger(memoryNamed: "reconcile-\(UUID().uuidString)")
    }

    func record(host: String, status: String = "critical", at: Int64) throws {
        let alert = try Alert.validate(
            try JSONParser.parse(#"{"app_key":"k1","status":"\#(status)","host":"\#(host)","check":"cpu"}"#),
            defaultAppKey: nil)
        try ledger.record([IncomingEvent(alert: alert, receivedAt: at)], recordedAt: at)
    }

    /// Marks `host` resolved by our `ok` at `at`.
    func resolveByOK(host: String, at: Int64) throws {
        var target: LedgerAlert?
        try ledger.forEachAlert(AlertFilter(states: [.open])) {
            if $0.display == "host=\(host) check=cpu" { target = $0 }
        }
        let alert = try #require(target)
        _ = try ledger.apply([
            SendRecord(
                alertID: alert.id, appKey: alert.appKey, eventID: alert.currentEventID, sentAt: at, timestamp: at,
                rule: "default", reason: "test", httpStatus: 201, attempts: 1, kind: .delivered, error: nil, method: .ok
            )
        ])
    }

    static func remote(_ id: String, host: String, active: Bool = true) -> IncidentAlert {
        IncidentAlert(
            id: id, incidentID: "inc-\(id)", status: active ? "critical" : "ok", active: active,
            sourceSystem: "logzio.test", primaryProperty: "host", secondaryProperty: "check",
            tags: [("host", .string(host)), ("check", .string("cpu"))], incidentKey: nil, lastEventAt: now - 600)
    }

    func reconciler(_ incidents: FakeIncidents, configure: (inout ReconcileOptions) -> Void = { _ in }) throws
        -> Reconciler
    {
        var options = ReconcileOptions(sourceSystem: try GlobPattern("logzio*"))
        configure(&options)
        return Reconciler(
            ledger: ledger, incidents: incidents, options: options, logger: Logger(label: "test"),
            wallClock: { ReconcileFixture.now })
    }

    func states() throws -> [String: AlertState] {
        var states: [String: AlertState] = [:]
        try ledger.forEachAlert(AlertFilter(states: [])) { states[$0.display] = $0.state }
        return states
    }
}

@Suite struct ReconcilerTests {
    @Test func eachAlertGetsItsClass() async throws {
        let fixture = try ReconcileFixture()
        let now = ReconcileFixture.now
        try fixture.record(host: "tracked", at: now - 3600)
        try fixture.record(host: "elsewhere", at: now - 3600)
        try fixture.record(host: "drift", at: now - 7200)
        try fixture.resolveByOK(host: "drift", at: now - 600)
        try fixture.record(host: "pending", at: now - 7200)
        try fixture.resolveByOK(host: "pending", at: now - 30)
        let incidents = FakeIncidents([
            ReconcileFixture.remote("1", host: "tracked"), ReconcileFixture.remote("2", host: "drift"),
            ReconcileFixture.remote("3", host: "pending"), ReconcileFixture.remote("4", host: "never-seen"),
        ])
        let report = try await fixture.reconciler(incidents) { $0.dryRun = true }.run()
        let classes = Dictionary(uniqueKeysWithValues: report.entries.map { ($0.identity, $0.reconcileClass) })
        #expect(classes["host=tracked check=cpu"] == .tracked)
        #expect(classes["host=drift check=cpu"] == .drift)
        #expect(classes["host=pending check=cpu"] == .pending, "closed 30 s ago, within the 2m grace")
        #expect(classes["host=never-seen check=cpu"] == .untracked)
        #expect(classes["host=elsewhere check=cpu"] == .resolvedElsewhere, "absent from a complete search")
        #expect(report.bigPandaActive == 4)
        #expect(incidents.resolved.isEmpty, "a dry run closes nothing")
        #expect(try fixture.states()["host=elsewhere check=cpu"] == .open, "a dry run marks nothing")
    }

    @Test func yesClosesDriftByIDMarksWhatBigPandaResolvedAndAdopts() async throws {
        let fixture = try ReconcileFixture()
        let now = ReconcileFixture.now
        try fixture.record(host: "elsewhere", at: now - 3600)
        try fixture.record(host: "drift", at: now - 7200)
        try fixture.resolveByOK(host: "drift", at: now - 600)
        let incidents = FakeIncidents([
            ReconcileFixture.remote("2", host: "drift"), ReconcileFixture.remote("4", host: "never-seen"),
        ])
        let report = try await fixture.reconciler(incidents) { $0.adopt = true }.run()
        #expect(incidents.resolved == [["2"]])
        #expect(report.closed == 1)
        #expect(report.adopted == 1)
        let states = try fixture.states()
        #expect(states["host=elsewhere check=cpu"] == .resolved)
        #expect(states["host=never-seen check=cpu"] == .open, "adopted: the sweep's rules close it from now on")
    }

    @Test func aTruncatedSearchProvesNothingByAbsence() async throws {
        let fixture = try ReconcileFixture()
        try fixture.record(host: "absent", at: ReconcileFixture.now - 3600)
        let incidents = FakeIncidents([ReconcileFixture.remote("1", host: "other")], truncated: true)
        let report = try await fixture.reconciler(incidents).run()
        #expect(report.truncated)
        #expect(!report.entries.contains { $0.reconcileClass == .resolvedElsewhere })
        #expect(try fixture.states()["host=absent check=cpu"] == .open)
    }

    @Test func driftPastTheBlastRadiusHoldsAndChangesNothingUntilForced() async throws {
        let fixture = try ReconcileFixture()
        let now = ReconcileFixture.now
        var remotes: [IncidentAlert] = []
        for index in 0..<3 {
            try fixture.record(host: "d\(index)", at: now - 7200)
            try fixture.resolveByOK(host: "d\(index)", at: now - 600)
            remotes.append(ReconcileFixture.remote("\(index)", host: "d\(index)"))
        }
        try fixture.record(host: "elsewhere", at: now - 3600)
        let incidents = FakeIncidents(remotes)
        let limited: (inout ReconcileOptions) -> Void = { $0.blastRadius.maxResolvesPerRun = 2 }
        let held = try await fixture.reconciler(incidents, configure: limited).run()
        #expect(held.holdReason?.contains("3 drifted alerts") == true)
        #expect(held.entries.filter { $0.action == .held }.count == 3)
        #expect(incidents.resolved.isEmpty)
        #expect(try fixture.states()["host=elsewhere check=cpu"] == .open, "a held run changes nothing at all")
        let forced = try await fixture.reconciler(incidents) {
            limited(&$0); $0.force = true
        }.run()
        #expect(forced.holdReason == nil)
        #expect(incidents.resolved == [["0", "1", "2"]])
        #expect(try fixture.states()["host=elsewhere check=cpu"] == .resolved)
    }

    /// `bigpanda.close_grace` on an injected clock: an alert our `ok` closed and BigPanda still shows active is
    /// pending until the grace has passed, and drift (closed by id) from the moment it has.
    @Test func driftIsPendingWithinTheGraceAndClosedByIDFromItsEnd() async throws {
        let fixture = try ReconcileFixture()
        let closedAt = ReconcileFixture.now - 600
        try fixture.record(host: "dropped", at: closedAt - 7200)
        try fixture.resolveByOK(host: "dropped", at: closedAt)
        let incidents = FakeIncidents([ReconcileFixture.remote("7", host: "dropped")])
        let clock = SettableClock()
        func run(at now: Int64) async throws -> ReconcileReport {
            clock.set(now)
            var options = ReconcileOptions(sourceSystem: try GlobPattern("logzio*"))
            options.closeGrace = .seconds(6)
            return try await Reconciler(
                ledger: fixture.ledger, incidents: incidents, options: options, logger: Logger(label: "test"),
                wallClock: { clock.now }
            ).run()
        }
        for elapsed: Int64 in [0, 1, 5] {
            let report = try await run(at: closedAt + elapsed)
            #expect(report.entries.map(\.reconcileClass) == [.pending], "\(elapsed) s after our ok")
            #expect(report.entries.first?.action == ReconcileAction.none)
            #expect(incidents.resolved.isEmpty, "pending is left alone \(elapsed) s after our ok")
        }
        let late = try await run(at: closedAt + 6)
        #expect(late.entries.map(\.reconcileClass) == [.drift], "the grace has passed")
        #expect(late.entries.first?.action == .closedByID)
        #expect(late.closed == 1)
        #expect(incidents.resolved == [["7"]])
        #expect(try fixture.states()["host=dropped check=cpu"] == .resolved)
    }

    @Test func aRefusedSearchIsThrownAsItIs() async throws {
        let fixture = try ReconcileFixture()
        let incidents = FakeIncidents(failing: .refused(status: 403, text: "Forbidden"))
        await #expect(throws: IncidentsError.self) { try await fixture.reconciler(incidents).run() }
    }
}
