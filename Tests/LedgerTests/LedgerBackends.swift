import Alerts
import Foundation
import Ledger
import Postgres
import PostgresLedger
import SQLiteLedger
import TestSupport
import Testing

#if canImport(Glibc)
    import Glibc
#endif

/// A backend the role contracts run against: how to make a fresh store, and a handle that only reads.
struct LedgerBackendFactory: Sendable, CustomTestStringConvertible {
    /// The backend's name in test output.
    let name: String
    /// Makes a fresh, empty, writable store and passes it to `body`; removes it afterwards.
    let withFresh: @Sendable (_ body: (FreshLedger) throws -> Void) throws -> Void

    var testDescription: String { name }
}

/// A fresh store for one test: a handle on it, and a way to open more handles on the same data.
struct FreshLedger {
    /// The first handle.
    let ledger: any LedgerBackend
    /// Opens another writable handle on the same store.
    let another: () throws -> any LedgerBackend
    /// Opens a handle on the same store that only reads.
    let readOnly: () throws -> any LedgerBackend
}

/// A read-only handle on a store with nothing in it, for the read contract.
struct EmptyReaderFactory: Sendable, CustomTestStringConvertible {
    /// The reader's name in test output.
    let name: String
    /// Passes a read-only handle on an empty store to `body`.
    let withReader: @Sendable (_ body: (any LedgerBackend) throws -> Void) throws -> Void

    var testDescription: String { name }
}

/// The backends under contract. A new backend adds itself here and runs every contract test.
enum LedgerBackends {
    static let sqlite = LedgerBackendFactory(name: "SQLite") { body in
        let temp = try TemporaryLedger()
        try withExtendedLifetime(temp) {
            try body(
                FreshLedger(
                    ledger: try SQLiteLedger(path: temp.path),
                    another: { try SQLiteLedger(path: temp.path) },
                    readOnly: { try SQLiteLedger(path: temp.path, mode: .readOnly) }))
        }
    }

    /// A shared in-memory SQLite database per test: the same SQL, with no file.
    static let sqliteInMemory = LedgerBackendFactory(name: "SQLite in memory") { body in
        let name = "contract-\(UUID().uuidString)"
        try body(
            FreshLedger(
                ledger: try SQLiteLedger(memoryNamed: name),
                another: { try SQLiteLedger(memoryNamed: name) },
                readOnly: { try SQLiteLedger(memoryNamed: name, readOnly: true) }))
    }

    /// A new database on the tests' PostgreSQL server per test; outside CI without a server, the test
    /// prints why and passes without running.
    static let postgres = LedgerBackendFactory(name: "PostgreSQL") { body in
        guard let conninfo = try PostgresTestServer.freshDatabase() else { return }
        let string = try PostgresConnectionString(conninfo)
        try body(
            FreshLedger(
                ledger: try PostgresLedger(string),
                another: { try PostgresLedger(string) },
                readOnly: { try PostgresLedger(string, readOnly: true) }))
    }

    static let all = [sqlite, sqliteInMemory, postgres]

    /// Read-only handles on empty stores: each backend's, the empty ledger itself, and what opening a
    /// missing SQLite file for reading gives.
    static let emptyReaders =
        all.map { backend in
            EmptyReaderFactory(name: backend.name + ", read only") { body in
                try backend.withFresh { fresh in try body(try fresh.readOnly()) }
            }
        } + [
            EmptyReaderFactory(name: "EmptyLedger") { body in try body(EmptyLedger(location: "/nonexistent")) },
            EmptyReaderFactory(name: "SQLite, missing file") { body in
                let temp = try TemporaryLedger()
                try withExtendedLifetime(temp) { try body(try SQLiteLedger.open(path: temp.path, mode: .readOnly)) }
            },
            EmptyReaderFactory(name: "PostgreSQL, no schema") { body in
                guard let conninfo = try PostgresTestServer.freshDatabase() else { return }
                try body(try PostgresLedger.open(try PostgresConnectionString(conninfo), readOnly: true))
            },
        ]
}

/// A ledger file in a fresh temporary directory, removed afterwards.
final class TemporaryLedger {
    let directory: TemporaryDirectory
    let path: String

    init() throws {
        directory = try TemporaryDirectory(prefix: "ledger-test")
        path = directory.file("ledger.sqlite")
    }

    deinit {
        directory.remove()
    }
}

func makeAlert(_ text: String) throws -> Alert {
    try Alert.validate(try JSONParser.parse(text), defaultAppKey: nil)
}

func event(
    _ status: String, host: String = "web-1", at: Int64, timestamp: Int64? = nil, forward: String? = nil
) throws -> IncomingEvent {
    let stamp = timestamp.map { #","timestamp":\#($0)"# } ?? ""
    return IncomingEvent(
        alert: try makeAlert(#"{"app_key":"k","status":"\#(status)","host":"\#(host)","check":"cpu"\#(stamp)}"#),
        receivedAt: at, forward: forward)
}

func allAlerts(_ ledger: any SweepQueries, _ states: Set<AlertState> = []) throws -> [LedgerAlert] {
    var result: [LedgerAlert] = []
    try ledger.forEachAlert(AlertFilter(states: states)) { result.append($0) }
    return result
}

/// A send record for `alert`'s current event.
func sendRecord(
    _ alert: LedgerAlert, at: Int64, kind: SendRecord.Kind, eventID: Int64? = nil, method: SendRecord.Method = .ok
) -> SendRecord {
    SendRecord(
        alertID: alert.id, appKey: alert.appKey, eventID: eventID ?? alert.currentEventID, sentAt: at, timestamp: at,
        rule: "default", reason: "r", httpStatus: kind == .delivered ? 201 : 400, attempts: 1, kind: kind,
        error: kind == .delivered ? nil : "bad", method: method)
}

/// The outbox counts as `[pending, rejected]`.
func pendingAndRejected(_ ledger: any Outbox) throws -> [Int] {
    let counts = try ledger.outboxCounts()
    return [counts.pending, counts.rejected]
}
