import Ledger
import Operations
import ResolverMetrics
import Testing

/// The one place a ledger string is read: which backend it names, how messages show it, and that a
/// password in it is refused without being repeated.
@Suite struct LedgerLocationTests {
    @Test(arguments: [
        ("./logzio-resolver.sqlite", "./logzio-resolver.sqlite", false),
        ("/var/lib/logzio-resolver/ledger.sqlite", "/var/lib/logzio-resolver/ledger.sqlite", false),
        (":memory:", ":memory:ledger", false),
        (":memory:demo", ":memory:demo", false),
        ("postgres://resolver@db.internal:5432/ledger", "host db.internal, port 5432, database ledger", true),
        ("host=db.internal dbname=ledger user=resolver", "db.internal", true),
    ])
    func readsEachKindOfString(text: String, shown: String, postgres: Bool) throws {
        let location = try LedgerLocation(text)
        #expect(location.isPostgres == postgres)
        #expect(location.description.contains(shown), "\(location)")
    }

    @Test(arguments: [
        "postgres://resolver:hunter2-secret@db.internal/ledger",
        "postgresql://db.internal/ledger?password=hunter2-secret",
        "host=db.internal password=hunter2-secret dbname=ledger",
    ])
    func aPasswordIsRefusedAndNeverRepeated(text: String) {
        #expect {
            try LedgerLocation(text)
        } throws: { error in
            !"\(error)".contains("hunter2-secret")
        }
    }

    @Test func aMissingFileReadsAsAnEmptyLedgerAndIsNotCreated() throws {
        let path = "/tmp/lr-location-\(UInt64.random(in: 0...UInt64.max)).sqlite"
        let location = try LedgerLocation(path)
        #expect(!location.exists)
        let ledger = try location.open(.readOnly)
        #expect(try ledger.openSummary().open == 0)
        #expect(!location.exists, "reading created the file")
    }

    @Test func anInMemoryLedgerIsSharedWithinTheProcess() throws {
        let location = try LedgerLocation(":memory:shared-\(UInt64.random(in: 0...UInt64.max))")
        let writer = try location.open(.readWrite())
        let reader = try location.open(.readWrite())
        try writer.add(to: .heldRuns, labels: .none, value: 1)
        #expect(try reader.metricSamples().count == 1)
    }
}
