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
            exit(withError: error)
        }
    }
}
