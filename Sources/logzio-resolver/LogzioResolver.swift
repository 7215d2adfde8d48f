import ArgumentParser
import BigPanda
import Operations

#if canImport(Glibc)
    import Glibc
#endif

/// The command-line entry point.
@main
struct LogzioResolver: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "logzio-resolver",
        abstract: "Closes BigPanda incidents that Logz.io alerts left open.",
        discussion: """
            Logz.io log alerts never send a recovery. logzio-resolver keeps a ledger of the alerts forwarded to \
            BigPanda and, run from cron, sends BigPanda an ok for every alert Logz.io has stopped re-notifying.
            """,
        version: ResolverVersion.current,
        subcommands: [
            RecordCommand.self, ImportCommand.self, ListCommand.self, SweepCommand.self, RelayCommand.self,
            CheckCommand.self, PruneCommand.self, ReconcileCommand.self, BacktestCommand.self, LedgerCommand.self,
            DemoCommand.self,
        ]
    )

    static func main() async {
        do {
            var command = try parseAsRoot()
            if var asyncCommand = command as? any AsyncParsableCommand {
                try await asyncCommand.run()
            } else {
                try command.run()
            }
        } catch let error as OperationError {
            for line in error.message.split(separator: "\n", omittingEmptySubsequences: true) {
                Output.stderr("logzio-resolver: \(line)")
            }
            Glibc.exit(error.status.rawValue)
        } catch {
            // Help and --version go to stdout as the argument parser prints them, and an exit code thrown
            // on purpose prints nothing. A usage error is one line, as every other error: the message, and
            // where to read more, instead of the parser's error, usage and help lines.
            let code = exitCode(for: error)
            let text = message(for: error)
            guard code != .success, !text.isEmpty else { exit(withError: error) }
            let lines = text.split(separator: "\n", omittingEmptySubsequences: true)
            // Where to read more, for a usage error (64) only: any other error is not about the flags.
            let hint = code == .validationFailure ? usageHint() : ""
            for (index, line) in lines.enumerated() {
                Output.stderr("logzio-resolver: \(line)\(index == lines.count - 1 ? hint : "")")
            }
            Glibc.exit(code.rawValue)
        }
    }

    /// ` (see 'logzio-resolver sweep --help')`, naming the subcommand when the arguments name one.
    static func usageHint() -> String {
        let names = configuration.subcommands.map { $0.configuration.commandName }
        var words = ["logzio-resolver"]
        if let first = CommandLine.arguments.dropFirst().first, names.contains(first) {
            words.append(first)
            let group = configuration.subcommands.first { $0.configuration.commandName == first }
            let inner = group?.configuration.subcommands.map { $0.configuration.commandName } ?? []
            if let second = CommandLine.arguments.dropFirst(2).first, inner.contains(second) { words.append(second) }
        }
        return " (see '\(words.joined(separator: " ")) --help')"
    }
}
