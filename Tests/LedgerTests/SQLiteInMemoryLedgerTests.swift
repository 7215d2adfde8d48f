import Alerts
import Foundation
import Testing

@testable import Ledger
@testable import SQLiteLedger

/// What only the in-memory SQLite ledger promises: handles in one process share it, its sweep claim
/// needs no file, nothing reaches the disk, and it is gone with its last handle.
@Suite struct SQLiteInMemoryLedgerTests {
    func hosts(_ ledger: any SweepQueries) throws -> [String] {
        try allAlerts(ledger).map(\.display).sorted()
    }

    @Test func handlesOnOneNameShareItAndItIsGoneWithTheLast() throws {
        let name = "shared-\(UUID().uuidString)"
        do {
            let first = try SQLiteLedger(memoryNamed: name)
            let second = try SQLiteLedger(memoryNamed: name)
            try first.record([try event("critical", host: "a", at: 100)], recordedAt: 100)
            #expect(try hosts(second) == ["host=a check=cpu"])
            try second.record([try event("critical", host: "b", at: 110)], recordedAt: 110)
            #expect(try hosts(first) == ["host=a check=cpu", "host=b check=cpu"])
            let reader = try SQLiteLedger(memoryNamed: name, readOnly: true)
            #expect(try hosts(reader).count == 2)
            #expect(throws: LedgerError.self) {
                try reader.record([try event("ok", host: "a", at: 120)], recordedAt: 120)
            }
            #expect(try hosts(SQLiteLedger(memoryNamed: "other-\(UUID().uuidString)")).isEmpty)
            let mode = try first.database.statement("PRAGMA journal_mode")
            defer { mode.reset() }
            #expect(try mode.step() && mode.text(0) == "memory", "memdb has no WAL, so none is asked for")
        }
        #expect(try hosts(SQLiteLedger(memoryNamed: name)).isEmpty, "the last handle closing freed it")
    }

    @Test func theSweepClaimIsHeldPerLedgerInTheProcess() throws {
        let name = "claim-\(UUID().uuidString)"
        let first = try SQLiteLedger(memoryNamed: name)
        let second = try SQLiteLedger(memoryNamed: name)
        let claim = try #require(try first.claimSweep())
        #expect(try second.claimSweep() == nil, "a second sweep on the same ledger is refused")
        #expect(try first.claimSweep() == nil)
        let elsewhere = try #require(try SQLiteLedger(memoryNamed: name + "-b").claimSweep())
        elsewhere.release()
        claim.release()
        claim.release()
        do {
            let dropped = try #require(try second.claimSweep())
            _ = dropped
        }
        #expect(try first.claimSweep() != nil, "a claim dropped unreleased frees the ledger")
    }

    @Test func nothingIsWrittenToDisk() throws {
        let name = "disk-\(UUID().uuidString)"
        let ledger = try SQLiteLedger(memoryNamed: name)
        try ledger.record([try event("critical", host: "a", at: 100)], recordedAt: 100)
        _ = try ledger.apply(try allAlerts(ledger).map { sendRecord($0, at: 150, kind: .delivered) })
        let claim = try ledger.claimSweep()
        claim?.release()
        try ledger.vacuum(incremental: true)
        #expect(ledger.location.hasPrefix("file:/\(name)?"))
        let directories = [FileManager.default.currentDirectoryPath, NSTemporaryDirectory(), "/"]
        for directory in directories {
            let entries = (try? FileManager.default.contentsOfDirectory(atPath: directory)) ?? []
            #expect(!entries.contains { $0.contains(name) }, "\(directory) holds a file of the in-memory ledger")
        }
    }
}
