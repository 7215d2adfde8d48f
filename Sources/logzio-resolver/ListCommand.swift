import Alerts
import ArgumentParser
import Ledger
import Operations
import Staleness
import Sweep

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
        let (config, ledger) = try ledgerOptions.load()
        let context = logging.makeContext()
        let evaluateAt = try now.map { try parseTime($0, flag: "--now") } ?? wallClock()
        let listing = try await AlertListing(
            config: config, ledger: ledger, now: evaluateAt, context: context, storesDefinitions: true)
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
        try listing.forEach(AlertFilter(states: states, appKey: appKey), now: evaluateAt) { alert, evaluation in
            let stale = alert.state == .open && evaluation.isStale
            if state == .stale, !stale { return }
            if json {
                let element = JSONObject([
                    ("state", .string(alert.state.rawValue)),
                    ("stale", .bool(stale)),
                    ("last_received", .string(EpochTime.iso8601(alert.lastReceived))),
                    ("rule", .string(RuleText.name(evaluation.rule))),
                    ("app_key", .string(alert.appKey)),
                    ("identity", .string(alert.display)),
                    ("reason", .string(alert.state == .open ? evaluation.reason : alert.state.rawValue)),
                    ("stale_after", evaluation.effectiveStaleAfter.map { .integer($0.wholeSeconds) } ?? .null),
                    ("stale_after_source", .string(evaluation.source)),
                    ("last_trigger", EvidenceJSON.lastTrigger(evaluation.evidence)),
                    ("evidence", .string(evaluation.evidence.state.rawValue)),
                    ("held_by", alert.heldBy.map { .string($0) } ?? .null),
                    ("alert", .object((try? alert.payload()) ?? JSONObject())),
                ])
                Output.stdout((first ? "\n" : ",\n") + element.serialized())
                first = false
            } else {
                rows.append([
                    alert.state.rawValue, stale ? "yes" : "no", EpochTime.iso8601(alert.lastReceived),
                    RuleText.name(evaluation.rule), alert.appKey, alert.display,
                ])
            }
        }
        if json {
            Output.stdout(first ? "]\n" : "\n]\n")
        } else if rows.isEmpty {
            Output.line("no \(state == .all ? "" : state.rawValue + " ")alerts")
        } else {
            Output.stdout(
                TextTable.render(
                    header: ["STATE", "STALE", "LAST RECEIVED", "RULE", "APP KEY", "IDENTITY"], rows: rows))
        }
    }
}
