import Alerts
import Ledger
import Testing

#if canImport(Glibc)
    import Glibc
#endif

/// A ledger file in a fresh temporary directory, removed afterwards.
final class TemporaryLedger {
    let directory: String
    let path: String

    init() {
        var template = Array("/tmp/ledger-test.XXXXXX".utf8CString)
        directory = mkdtemp(&template).map { String(cString: $0) } ?? "/tmp"
        path = directory + "/ledger.sqlite"
    }

    deinit {
        for suffix in ["", "-wal", "-shm", ".lock"] { unlink(path + suffix) }
        rmdir(directory)
    }
}

func makeAlert(_ text: String) throws -> Alert {
    try Alert.validate(try JSONParser.parse(text), defaultAppKey: nil)
}

func event(_ status: String, host: String = "web-1", at: Int64, timestamp: Int64? = nil) throws -> IncomingEvent {
    let stamp = timestamp.map { #","timestamp":\#($0)"# } ?? ""
    return IncomingEvent(
        alert: try makeAlert(#"{"app_key":"k","status":"\#(status)","host":"\#(host)","check":"cpu"\#(stamp)}"#),
        receivedAt: at)
}

func allAlerts(_ ledger: any SweepQueries, _ states: Set<AlertState> = []) throws -> [LedgerAlert] {
    var result: [LedgerAlert] = []
    try ledger.forEachAlert(AlertFilter(states: states)) { result.append($0) }
    return result
}

@Suite struct SQLiteLedgerTests {
    @Test func createsTheFileWithMode0600InWALMode() throws {
        let temp = TemporaryLedger()
        let ledger = try SQLiteLedger(path: temp.path)
        try ledger.record([try event("critical", at: 100)], recordedAt: 100)
        var info = stat()
        #expect(stat(temp.path, &info) == 0)
        #expect(info.st_mode & 0o777 == 0o600)
        #expect(access(temp.path + "-wal", F_OK) == 0)
    }

    @Test func latestReceiveTimeIsCurrentAndLateOlderEventsAreHistory() throws {
        let temp = TemporaryLedger()
        let ledger = try SQLiteLedger(path: temp.path)
        try ledger.record([try event("critical", at: 1000)], recordedAt: 1000)
        try ledger.record([try event("ok", at: 900, timestamp: 1_700_000_000)], recordedAt: 1001)
        var alerts = try allAlerts(ledger)
        #expect(alerts.count == 1)
        #expect(alerts[0].state == .open)
        #expect(alerts[0].lastReceived == 1000)
        #expect(alerts[0].maxTimestamp == 1_700_000_000)
        try ledger.record([try event("ok", at: 1000)], recordedAt: 1002)
        alerts = try allAlerts(ledger)
        #expect(alerts[0].state == .resolved, "a tie goes to the event recorded last")
        try ledger.record([try event("warning", at: 2000)], recordedAt: 2000)
        alerts = try allAlerts(ledger, [.open])
        #expect(alerts.count == 1, "a later non-ok event reopens it")
    }

    @Test func aBatchIsAllOrNothing() throws {
        let temp = TemporaryLedger()
        let ledger = try SQLiteLedger(path: temp.path)
        struct Boom: Error {}
        let committed = try? ledger.recordStream(recordedAt: 1) { record in
            try record(try event("critical", host: "a", at: 1))
            throw Boom()
        }
        #expect(committed == nil)
        let declined = try ledger.recordStream(recordedAt: 1) { record in
            try record(try event("critical", host: "b", at: 1))
            return false
        }
        #expect(declined == false)
        #expect(try allAlerts(ledger).isEmpty)
    }

    @Test func deliveredOkResolvesUnlessFenced() throws {
        let temp = TemporaryLedger()
        let ledger = try SQLiteLedger(path: temp.path)
        try ledger.record(
            [try event("critical", host: "a", at: 100), try event("critical", host: "b", at: 100)], recordedAt: 100)
        let open = try allAlerts(ledger, [.open])
        #expect(open.count == 2)
        // A new event for b arrives after the decision.
        try ledger.record([try event("critical", host: "b", at: 200)], recordedAt: 200)
        let records = open.map {
            SendRecord(
                alertID: $0.id, appKey: $0.appKey, eventID: $0.currentEventID, sentAt: 300, timestamp: 300,
                rule: "default",
                reason: "r", httpStatus: 201, attempts: 1, kind: .delivered, error: nil)
        }
        #expect(try ledger.apply(records) == [.resolved, .fenced])
        let after = try allAlerts(ledger)
        #expect(after.first { $0.display.contains("host=a") }?.state == .resolved)
        #expect(after.first { $0.display.contains("host=b") }?.state == .open)
        #expect(after.allSatisfy { $0.maxTimestamp >= 300 })
    }

    @Test func threePermanentRefusalsMarkRejectedAndANewEventReopens() throws {
        let temp = TemporaryLedger()
        let ledger = try SQLiteLedger(path: temp.path)
        try ledger.record([try event("critical", at: 100)], recordedAt: 100)
        let alert = try #require(try allAlerts(ledger).first)
        var outcomes: [AppliedOutcome] = []
        for run in 1...3 {
            let record = SendRecord(
                alertID: alert.id, appKey: alert.appKey, eventID: alert.currentEventID, sentAt: Int64(run),
                timestamp: Int64(run),
                rule: "default", reason: "r", httpStatus: 400, attempts: 1, kind: .permanent, error: "bad")
            outcomes += try ledger.apply([record])
        }
        #expect(outcomes == [.failed, .failed, .rejected])
        #expect(try allAlerts(ledger, [.rejected]).count == 1)
        try ledger.record([try event("critical", at: 500)], recordedAt: 500)
        #expect(try allAlerts(ledger, [.open]).count == 1)
    }

    @Test func sweepClaimIsExclusiveAndReleased() throws {
        let temp = TemporaryLedger()
        let ledger = try SQLiteLedger(path: temp.path)
        let other = try SQLiteLedger(path: temp.path)
        let claim = try #require(try ledger.claimSweep())
        // flock locks belong to the open file description, so a second open in this process conflicts too.
        #expect(try other.claimSweep() == nil)
        claim.release()
        #expect(try other.claimSweep() != nil)
    }

    @Test func readOnlyOfAMissingFileIsEmptyAndCreatesNothing() throws {
        let temp = TemporaryLedger()
        for mode in [SQLiteLedger.Mode.readOnly, .readOnlyImmutable] {
            let ledger = try SQLiteLedger.open(path: temp.path, mode: mode)
            #expect(ledger is EmptyLedger)
            #expect(try allAlerts(ledger).isEmpty)
        }
        #expect(throws: LedgerError.self) { try SQLiteLedger(path: temp.path, mode: .readOnly) }
        #expect(access(temp.path, F_OK) != 0)
    }

    @Test func filtersByAppKeyAndStreamsInIDOrder() throws {
        let temp = TemporaryLedger()
        let ledger = try SQLiteLedger(path: temp.path)
        var events: [IncomingEvent] = []
        for index in 0..<50 {
            let key = index % 2 == 0 ? "even" : "odd"
            events.append(
                IncomingEvent(
                    alert: try makeAlert(#"{"app_key":"\#(key)","status":"critical","host":"h\#(index)"}"#),
                    receivedAt: 1))
        }
        try ledger.record(events, recordedAt: 1)
        var seen: [Int64] = []
        try ledger.forEachAlert(AlertFilter(states: [.open], appKey: "odd")) { seen.append($0.id) }
        #expect(seen.count == 25)
        #expect(seen == seen.sorted())
    }
}
