import ArgumentParser
import Operations
import ResolverConfiguration

/// `import`: records forwarded alerts from a JSON Lines file, all or nothing.
struct ImportCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "import",
        abstract: "Record forwarded alerts from a JSON Lines file (or - for stdin).",
        discussion: """
            Each line is an alert payload, received at the time of the import, or an envelope \
            {"alert": {...}, "received_at": TIME}. Blank lines are ignored. Any bad line fails the whole \
            import (exit 65) and leaves the ledger unchanged, unless --skip-invalid is given.
            """
    )

    @OptionGroup var ledgerOptions: LedgerOptions

    @Flag(name: .long, help: "Import the good lines and report each bad line on stderr.")
    var skipInvalid = false

    @Argument(help: "The JSON Lines file, or - for stdin.")
    var file: String

    @OptionGroup var logging: LoggingOptions

    func run() throws {
        let (config, ledger) = try ledgerOptions.load()
        var run = JSONLinesImport(file: file, defaultAppKey: config.appKey)
        run.skipInvalid = skipInvalid
        try run.run(into: ledger, now: wallClock()) { Output.stderr("logzio-resolver: \($0)") }
    }
}
