import Ledger
import Testing

/// The migrations are written once; each dialect must get every placeholder written out, and the
/// types that keep the two backends alike (byte-wise keys, 64-bit ids) where they belong.
@Suite struct LedgerMigrationsTests {
    @Test(arguments: [SQLDialect.sqlite, .postgres])
    func everyPlaceholderIsWrittenOut(dialect: SQLDialect) {
        let migrations = LedgerMigrations.all(in: dialect)
        #expect(migrations.count == 7)
        for migration in migrations {
            #expect(!migration.sql.contains("{"), "\(migration.name) keeps a placeholder in \(dialect)")
        }
    }

    @Test func postgresComparesKeysByteByByteAndCountsIn64Bits() throws {
        let first = try #require(LedgerMigrations.all(in: .postgres).first)
        #expect(first.sql.contains(#"identity TEXT COLLATE "C" NOT NULL UNIQUE"#))
        #expect(first.sql.contains("id BIGSERIAL PRIMARY KEY"))
        #expect(!first.sql.contains("INTEGER"))
        let sqlite = try #require(LedgerMigrations.all(in: .sqlite).first)
        #expect(sqlite.sql.contains("id INTEGER PRIMARY KEY"))
        #expect(!sqlite.sql.contains("COLLATE"))
    }
}
