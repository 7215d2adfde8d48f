import Alerts
import ArgumentParser
import Ledger
import Operations
import ResolverConfiguration
import Staleness

/// `prune`: deletes resolved history past the retention, then vacuums.
struct PruneCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "prune",
        abstract: "Delete resolved history older than a duration, and shrink the ledger file.",
        discussion: """
            Deletes old events and ok records of alerts that are not open. It never deletes an open alert \
            or any alert's last event. The duration must be longer than the longest stale_after.
            """
    )

    @OptionGroup var ledgerOptions: LedgerOptions

    @Option(name: .long, help: "Delete history older than this DURATION (e.g. 30d). Default: retention in the config.")
    var olderThan: String?

    @Flag(name: .long, help: "Show what would be deleted, and delete nothing.")
    var dryRun = false

    @OptionGroup var logging: LoggingOptions

    func run() throws {
        let (config, ledger) = try ledgerOptions.load()
        let longest = config.policy.longestFiniteStaleAfter
        let keep: Duration
        if let olderThan {
            keep = try parseDuration(olderThan, flag: "--older-than")
            guard keep > longest else {
                throw OperationError.usage(
                    "--older-than \(olderThan) must be longer than the longest stale_after (\(DurationText.format(longest))), or open alerts' history could go"
                )
            }
        } else if let retention = config.retention {
            keep = retention
        } else {
            throw OperationError.usage("give --older-than DURATION (e.g. 30d), or set retention in the config")
        }
        let cutoff = wallClock() - keep.wholeSeconds
        let result = try Pruning.run(ledger, before: cutoff, dryRun: dryRun)
        let verb = dryRun ? "would delete" : "deleted"
        Output.line(
            "\(verb) \(result.events) event\(result.events == 1 ? "" : "s") and \(result.resolutions) ok record\(result.resolutions == 1 ? "" : "s") of resolved alerts received before \(EpochTime.iso8601(cutoff))\(dryRun ? "" : "; the ledger was vacuumed")"
        )
    }
}
