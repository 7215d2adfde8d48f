import Ledger

/// The ledger's schema migrations in PostgreSQL's dialect, text keys compared byte by byte
/// (`COLLATE "C"`) as SQLite does; they are written once, in `LedgerMigrations`.
enum PostgresMigrations {
    static let all = LedgerMigrations.all(in: .postgres)
}
