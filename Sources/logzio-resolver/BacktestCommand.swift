import Alerts
import ArgumentParser
import Backtest
import Ledger
import ResolverConfiguration
import Staleness

#if canImport(Glibc)
    import Glibc
#endif

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
            now: now, since: try Self.duration(since, flag: "--since"),
            interval: try Self.duration(interval, flag: "--interval"),
            refireWindow: try Self.duration(refireWindow, flag: "--refire-window"))
        let config = try ledgerOptions.load()
        let compared = try compare.map { path in
            do {
                return try ConfigLoader.load(path: path, environment: Environment.values)
            } catch {
                throw CLIError.config("--compare: \(error)")
            }
        }
        let policies = [config.policy] + (compared.map { [$0.policy] } ?? [])
        var reports = try replay(policies, ledger: config.ledger, window: window)
        var comparedSide: BacktestOutput.Side?
        if let compared, reports.count > 1 {
            comparedSide = BacktestOutput.Side(config: compare, policy: compared.policy, report: reports.removeLast())
        }
        let output = BacktestOutput(
            window: window, ledger: config.ledger,
            current: BacktestOutput.Side(
                config: ledgerOptions.config ?? Environment.values["LOGZIO_RESOLVER_CONFIG"], policy: config.policy,
                report: reports[0]),
            compared: comparedSide)
        Output.stdout(json ? output.json() : output.text())
    }

    /// Parses a DURATION option, or throws a usage error (exit 64) naming the flag.
    static func duration(_ text: String, flag: String) throws -> Duration {
        do {
            return .seconds(try DurationText.parse(text))
        } catch {
            throw CLIError.usage("\(flag): \(error.description)")
        }
    }

    /// Replays each policy over one read of the history and returns their reports in the same order.
    ///
    /// A ledger without `-wal` and `-shm` files (no process has it open) is read as an immutable file,
    /// so that reading it creates neither; if a writer changed the file meanwhile, it is read again the
    /// ordinary way.
    private func replay(_ policies: [StalenessPolicy], ledger path: String, window: ReplayWindow) throws
        -> [ReplayReport]
    {
        guard let before = FileStamp(path), before.size > 0 else {
            return try replay(policies, ledger: nil, window: window)
        }
        let shared = FileStamp(path + "-wal") != nil || FileStamp(path + "-shm") != nil
        if !shared {
            let reports = try replay(policies, ledger: openLedger(path, mode: .readOnlyImmutable), window: window)
            if FileStamp(path) == before { return reports }
        }
        return try replay(policies, ledger: openLedger(path, mode: .readOnly), window: window)
    }

    private func replay(_ policies: [StalenessPolicy], ledger: (any LedgerBackend)?, window: ReplayWindow) throws
        -> [ReplayReport]
    {
        let feed = try ledger.map { try FeedReader.liveness($0) } ?? nil
        // stale_after: auto replays with the definitions the ledger cached (backtest fetches nothing),
        // evaluated at the end of the window.
        let cached = AutoDefinitions.cached(in: ledger, now: window.now)
        var replays = policies.map { policy in
            Replay(
                policy: policy, feed: feed, window: window,
                auto: policy.usesAuto ? cached.resolver(definitionField: policy.definitionField, now: window.now) : nil)
        }
        // One read of the history feeds every replay; only the fields some rule reads are decoded.
        let fields = replays.reduce(into: Set<String>()) { $0.formUnion($1.matchFields) }
        do {
            try ledger?.forEachEvent(since: window.start) { event in
                var payload = JSONObject()
                if !event.isOK, !fields.isEmpty {
                    // A payload that cannot be read matches no rule, so the default rule takes it.
                    payload = (try? RawJSONObject(Array(event.payloadText.utf8)).subset(fields)) ?? JSONObject()
                }
                for index in replays.indices {
                    replays[index].add(
                        alert: event.alertID, receivedAt: event.receivedAt, isOK: event.isOK, payload: payload)
                }
            }
        } catch {
            throw CLIError(code: 1, message: "\(error)")
        }
        return replays.indices.map { replays[$0].finish() }
    }
}

/// What `stat` says of a file, to notice that it changed.
private struct FileStamp: Equatable {
    var device: UInt64
    var inode: UInt64
    var size: Int64
    var modified: timespec
    var changed: timespec

    /// The file's stamp, or nil when it does not exist.
    init?(_ path: String) {
        var status = stat()
        guard stat(path, &status) == 0 else { return nil }
        device = UInt64(status.st_dev)
        inode = UInt64(status.st_ino)
        size = Int64(status.st_size)
        modified = status.st_mtim
        changed = status.st_ctim
    }

    static func == (lhs: FileStamp, rhs: FileStamp) -> Bool {
        lhs.device == rhs.device && lhs.inode == rhs.inode && lhs.size == rhs.size
            && lhs.modified.tv_sec == rhs.modified.tv_sec && lhs.modified.tv_nsec == rhs.modified.tv_nsec
            && lhs.changed.tv_sec == rhs.changed.tv_sec && lhs.changed.tv_nsec == rhs.changed.tv_nsec
    }
}
