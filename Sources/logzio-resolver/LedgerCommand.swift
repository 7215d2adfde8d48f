import ArgumentParser

/// `ledger`: commands on a whole ledger.
struct LedgerCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "ledger",
        abstract: "Work on a whole ledger.",
        subcommands: [LedgerCopyCommand.self]
    )
}
