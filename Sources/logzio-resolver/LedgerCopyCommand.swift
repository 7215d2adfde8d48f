import ArgumentParser
import Ledger
import Postgres

#if canImport(Glibc)
    import Glibc
#endif

/// `ledger copy`: copies a whole ledger into an empty one, between or within backends.
struct LedgerCopyCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "copy",
        abstract: "Copy a whole ledger into an empty one: SQLite to PostgreSQL, or back.",
        discussion: """
            Copies alerts, events, sent oks, counters, heartbeats, definitions and the outbox, keeping \
            their ids. The source is only read. The target is written in one transaction: on a failure \
            it is left as it was. A target that holds alerts is refused (exit 64). Stop relays and \
            sweeps on the source first. Prints one line per table: `alerts: source N, target N`.
            """
    )

    @Option(
        name: .long,
        help: ArgumentHelp("The ledger to copy: a file path or a PostgreSQL connection string.", valueName: "ledger"))
    var from: String

    @Option(
        name: .long,
        help: ArgumentHelp(
            "The empty ledger to copy into: a file path (created) or a PostgreSQL string.", valueName: "ledger"))
    var to: String

    @OptionGroup var logging: LoggingOptions

    func run() throws {
        try Self.refusePassword(from, flag: "--from")
        try Self.refusePassword(to, flag: "--to")
        let source = try openLedger(from, mode: .readOnly, source: "--from")
        if source is EmptyLedger {
            throw CLIError.usage("--from: no ledger at \(Self.display(from)); give the ledger to copy")
        }
        let createsFile = !PostgresConnectionString.isPostgres(to) && access(to, F_OK) != 0
        let target = try openLedger(to, source: "--to")
        var sourceCounts: [LedgerTable: Int] = [:]
        do {
            try target.importRows { write in sourceCounts = try source.exportRows(write) }
        } catch let refused as LedgerNotEmptyError {
            throw CLIError.usage("--to: \(refused)")
        } catch {
            if createsFile {
                for suffix in ["", "-wal", "-shm"] { unlink(to + suffix) }
            }
            throw CLIError.failed("ledger copy: \(error); the target was left as it was")
        }
        let targetCounts: [LedgerTable: Int]
        do {
            targetCounts = try target.rowCounts()
        } catch {
            throw CLIError.failed("ledger copy: \(error)")
        }
        var differing: [String] = []
        for table in LedgerTable.allCases {
            let counts = (sourceCounts[table, default: 0], targetCounts[table, default: 0])
            Output.line("\(table.label): source \(counts.0), target \(counts.1)")
            if counts.0 != counts.1 { differing.append("\(table.label) (source \(counts.0), target \(counts.1))") }
        }
        if !differing.isEmpty {
            throw CLIError.failed(
                "ledger copy: the target's counts differ from the source's: " + differing.joined(separator: ", "))
        }
    }

    /// Refuses a PostgreSQL string with a password in it, without repeating it: exit 64.
    private static func refusePassword(_ ledger: String, flag: String) throws {
        guard PostgresConnectionString.isPostgres(ledger) else { return }
        do {
            _ = try PostgresConnectionString(ledger)
        } catch {
            throw CLIError.usage("\(flag): \(error)")
        }
    }

    /// A ledger string as it may be printed: a path, or the host, port and database it names.
    private static func display(_ ledger: String) -> String {
        guard PostgresConnectionString.isPostgres(ledger), let string = try? PostgresConnectionString(ledger) else {
            return ledger
        }
        return string.target
    }
}
