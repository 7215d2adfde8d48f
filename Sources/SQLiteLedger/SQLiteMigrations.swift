import Ledger

/// The ledger's schema migrations in SQLite's dialect; they are written once, in `LedgerMigrations`.
enum SQLiteMigrations {
    static let all = LedgerMigrations.all(in: .sqlite)
}
