import ArgumentParser
import Ledger
import Operations

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
        let source = try Self.location(from, flag: "--from")
        let target = try Self.location(to, flag: "--to")
        let counts = try LedgerCopy.run(from: source, to: target)
        var differing: [String] = []
        for count in counts {
            Output.line("\(count.table.label): source \(count.source), target \(count.target)")
            if count.source != count.target {
                differing.append("\(count.table.label) (source \(count.source), target \(count.target))")
            }
        }
        if !differing.isEmpty {
            throw OperationError.failed(
                "ledger copy: the target's counts differ from the source's: " + differing.joined(separator: ", "))
        }
    }

    /// Reads a ledger string; one with a password in it is refused without repeating it: exit 64.
    private static func location(_ text: String, flag: String) throws -> LedgerLocation {
        do {
            return try LedgerLocation(text)
        } catch {
            throw OperationError.usage("\(flag): \(error)")
        }
    }
}
