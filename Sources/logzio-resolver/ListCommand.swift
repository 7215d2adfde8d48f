import Alerts
import ArgumentParser
import Ledger
import Logging
import ResolverConfiguration
import Staleness
import Sweep

#if canImport(Glibc)
    import Glibc
#endif

/// `list`: shows alerts in the ledger with their state, staleness and rule.
struct ListCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "list",
        abstract: "Show the alerts in the ledger (open ones by default).",
        discussion: "Reads the ledger only; a missing ledger lists nothing."
    )

    enum StateFilter: String, ExpressibleByArgument, CaseIterable {
        case open, stale, resolved, rejected, all
    }

    @OptionGroup var ledgerOptions: LedgerOptions

    @Option(name: .long, help: "Which alerts: open, stale, resolved, rejected or all.")
    var state: StateFilter = .open

    @Option(name: .long, help: "Only this integration's alerts.")
    var appKey: String?

    @Option(name: .long, help: "Evaluate staleness as of this TIME (ISO 8601 or epoch seconds). Default: now.")
    var now: String?

    @Flag(name: .long, help: "Print a JSON array instead of a table.")
    var json = false

    @OptionGroup var logging: LoggingOptions

    func run() async throws {
        let config = try ledgerOptions.load()
        let logger = logging.makeLogger()
        let evaluateAt = try now.map { try parseTime($0, flag: "--now") } ?? wallClock()
        let ledger = try openLedger(config.ledger, mode: .readOnly)
        let feed = try FeedReader.liveness(ledger)
        let auto = try await autoResolver(config: config, ledger: ledger, evaluateAt: evaluateAt, logger: logger)
        let evaluator = AlertEvaluator(policy: config.policy, feed: feed, auto: auto)
        let states: Set<AlertState> =
            switch state {
            case .open, .stale: [.open]
            case .resolved: [.resolved]
            case .rejected: [.rejected]
            case .all: []
            }
        var first = true
        if json { Output.stdout("[") }
        var rows: [[String]] = []
        do {
            try ledger.forEachAlert(AlertFilter(states: states, appKey: appKey)) { alert in
                let payload = (try? alert.payload()) ?? JSONObject()
                let evaluation = evaluator.evaluate(alert, now: evaluateAt)
                let stale = alert.state == .open && evaluation.isStale
                if state == .stale, !stale { return }
                if json {
                    let element = JSONObject([
                        ("state", .string(alert.state.rawValue)),
                        ("stale", .bool(stale)),
                        ("last_received", .string(EpochTime.iso8601(alert.lastReceived))),
                        ("rule", .string(Output.rule(evaluation.rule))),
                        ("app_key", .string(alert.appKey)),
                        ("identity", .string(alert.display)),
                        ("reason", .string(alert.state == .open ? evaluation.reason : alert.state.rawValue)),
                        ("stale_after", evaluation.effectiveStaleAfter.map { .integer($0) } ?? .null),
                        ("stale_after_source", .string(evaluation.source)),
                        ("alert", .object(payload)),
                    ])
                    Output.stdout((first ? "\n" : ",\n") + element.serialized())
                    first = false
                } else {
                    rows.append([
                        alert.state.rawValue, stale ? "yes" : "no", EpochTime.iso8601(alert.lastReceived),
                        Output.rule(evaluation.rule),
                        alert.appKey, alert.display,
                    ])
                }
            }
        } catch {
            throw CLIError.failed("\(error)")
        }
        if json {
            Output.stdout(first ? "]\n" : "\n]\n")
        } else if rows.isEmpty {
            Output.line("no \(state == .all ? "" : state.rawValue + " ")alerts")
        } else {
            Output.stdout(
                Table.render(header: ["STATE", "STALE", "LAST RECEIVED", "RULE", "APP KEY", "IDENTITY"], rows: rows))
        }
    }
}

extension ListCommand {
    /// Fetches the Logz.io definitions when an auto rule has open alerts, keeping them in the ledger's
    /// cache when the ledger exists (list never creates one).
    private func autoResolver(config: ResolverConfig, ledger: any LedgerBackend, evaluateAt: Int64, logger: Logger)
        async throws -> AutoResolver?
    {
        guard config.policy.usesAuto else { return nil }
        let hasOpen = ((try? ledger.openSummary())?.open ?? 0) > 0
        let writable: SQLiteLedger? =
            hasOpen && access(config.ledger, F_OK) == 0 ? try? SQLiteLedger(path: config.ledger) : nil
        let definitions = await AutoDefinitions.load(
            config: config, needed: hasOpen, cache: ledger,
            store: writable.map { AutoDefinitions.storing(into: $0, logger: logger) }, logger: logger)
        return definitions.resolver(definitionField: config.policy.definitionField, now: evaluateAt)
    }
}

/// Reads the relay's heartbeats, when the ledger has any.
enum FeedReader {
    /// The feed's observed liveness, or nil for a ledger without heartbeats (the plain rule).
    static func liveness(_ ledger: any Heartbeats) throws -> FeedLiveness? {
        do {
            let runs = try ledger.heartbeatRuns()
            return runs.isEmpty ? nil : FeedLiveness(runs: runs)
        } catch {
            throw CLIError.failed("\(error)")
        }
    }
}

/// Left-aligned text columns.
enum Table {
    static func render(header: [String], rows: [[String]]) -> String {
        var widths = header.map(\.count)
        for row in rows {
            for (index, cell) in row.enumerated() where index < widths.count {
                widths[index] = max(widths[index], cell.count)
            }
        }
        func line(_ cells: [String]) -> String {
            var text = ""
            for (index, cell) in cells.enumerated() {
                let isLast = index == cells.count - 1
                text += isLast ? cell : cell + String(repeating: " ", count: widths[index] - cell.count + 2)
            }
            return text + "\n"
        }
        return line(header) + rows.map(line).joined()
    }
}
