import ArgumentParser
import Backtest
import Operations
import ResolverConfiguration

/// `backtest`: replays the ledger's history under the rules and suggests `stale_after` values.
struct BacktestCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "backtest",
        abstract: "Replay the ledger's history under the rules and suggest stale_after values.",
        discussion: """
            Opens the ledger read-only and sends nothing. Replays the events received in the last --since with \
            sweeps every --interval, and shows per rule how many alerts would have been resolved, how many of \
            those too early (re-notified within --refire-window), and the shortest stale_after on the ladder \
            15m, 30m, 1h, 2h, 3h, 6h, 12h, 1d, 3d that keeps premature resolves under 1 %.
            """
    )

    @OptionGroup var ledgerOptions: LedgerOptions

    @Option(name: .long, help: "Replay the events received in this DURATION before now, e.g. 30d.")
    var since = "30d"

    @Option(name: .long, help: "Replay a sweep every DURATION, as cron would run it, e.g. 5m.")
    var interval = "5m"

    @Option(
        name: .long,
        help: "A resolve is premature when the alert was re-notified within this DURATION of its previous event.")
    var refireWindow = "6h"

    @Option(name: .long, help: "Replay this second config file over the same history and show both side by side.")
    var compare: String?

    @Flag(name: .long, help: "Print one JSON object instead of tables.")
    var json = false

    @Option(
        name: .long,
        help: ArgumentHelp(
            "End the replay at this TIME instead of now (ISO 8601 or epoch seconds), for tests and benchmarks.",
            visibility: .hidden))
    var now: String?

    @OptionGroup var logging: LoggingOptions

    func run() throws {
        let now = try self.now.map { try parseTime($0, flag: "--now") } ?? wallClock()
        let window = ReplayWindow(
            now: now, since: try parseDuration(since, flag: "--since"),
            interval: try parseDuration(interval, flag: "--interval"),
            refireWindow: try parseDuration(refireWindow, flag: "--refire-window"))
        let (config, ledger) = try ledgerOptions.load()
        let compared = try compare.map { path in
            do {
                return try ConfigLoader.load(path: path, environment: Environment.values)
            } catch {
                throw OperationError.config("--compare: \(error)")
            }
        }
        var reports = try BacktestRun.replay([config] + (compared.map { [$0] } ?? []), ledger: ledger, window: window)
        var comparedSide: BacktestOutput.Side?
        if let compared, reports.count > 1 {
            comparedSide = BacktestOutput.Side(config: compare, policy: compared.policy, report: reports.removeLast())
        }
        let output = BacktestOutput(
            window: window, ledger: ledger.description,
            current: BacktestOutput.Side(
                config: ConfigLoader.file(path: ledgerOptions.config, environment: Environment.values),
                policy: config.policy,
                report: reports[0]),
            compared: comparedSide)
        Output.stdout(json ? output.json() : output.text())
    }
}
