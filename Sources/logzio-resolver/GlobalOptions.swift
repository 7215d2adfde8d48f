import Alerts
import ArgumentParser
import Foundation
import Logging
import Operations
import ResolverConfiguration

/// `--log-format`, `--verbose` and `--quiet`, which every command takes.
struct LoggingOptions: ParsableArguments {
    @Option(name: .long, help: "The format of log lines on stderr: text or json.")
    var logFormat: LogFormat = .text

    @Flag(name: .long, help: "Write progress to stderr (log level info).")
    var verbose = false

    @Flag(name: .long, help: "Write only errors to stderr.")
    var quiet = false

    func validate() throws {
        if verbose, quiet { throw ValidationError("--verbose and --quiet cannot be used together; pick one") }
    }

    /// Sets up logging to stderr and returns the command's logger.
    func makeLogger() -> Logger {
        let level: Logger.Level = verbose ? .info : quiet ? .error : .warning
        let format = logFormat
        return Logger(label: "logzio-resolver") { label in
            StderrLogHandler(logLevel: level, format: format, label: label)
        }
    }

    /// The process's environment, wall clock and logger, and stderr for warnings, as the use cases take them.
    func makeContext() -> OperationContext {
        OperationContext(
            environment: Environment.values, wallClock: wallClock, logger: makeLogger(),
            warn: { Output.stderr("logzio-resolver: \($0)") })
    }
}

extension LogFormat: ExpressibleByArgument {}

/// `--config` and `--ledger`, which most commands take.
struct LedgerOptions: ParsableArguments {
    @Option(name: .long, help: "The config file (YAML). Default: $LOGZIO_RESOLVER_CONFIG, else none.")
    var config: String?

    @Option(
        name: .long,
        help: """
            The ledger: an SQLite file or a PostgreSQL connection string. Default: $LOGZIO_RESOLVER_LEDGER, the \
            config's ledger, else ./logzio-resolver.sqlite.
            """)
    var ledger: String?

    /// The validated configuration with `--ledger` applied, and the ledger it names (exit 78 on a problem;
    /// a password in `--ledger` is exit 64, in the config or the environment 78, and never repeated).
    func load() throws -> (config: ResolverConfig, ledger: LedgerLocation) {
        var config: ResolverConfig
        do {
            config = try ConfigLoader.load(path: self.config, environment: Environment.values)
        } catch {
            throw OperationError.config(error.description)
        }
        if let ledger { config.ledger = ledger }
        do {
            return (config, try LedgerLocation(config.ledger))
        } catch {
            throw ledger != nil
                ? OperationError.usage("--ledger: \(error)")
                : OperationError.config("ledger (or LOGZIO_RESOLVER_LEDGER): \(error)")
        }
    }
}

/// `--metrics-file` and `--metrics-push`, which `sweep` and `reconcile` take.
struct MetricsOptions: ParsableArguments {
    @Option(
        name: .long,
        help: "Write Prometheus metrics to this textfile after the run (default: metrics_file in the config).")
    var metricsFile: String?

    @Option(
        name: .long,
        help: ArgumentHelp(
            "Push the run's metrics to this Prometheus Pushgateway (default: metrics_push in the config).",
            valueName: "url"))
    var metricsPush: String?

    func validate() throws {
        if let metricsPush, !metricsPush.hasPrefix("http://"), !metricsPush.hasPrefix("https://") {
            throw ValidationError("--metrics-push \"\(metricsPush)\" is not an http:// or https:// URL")
        }
    }
}

/// The process environment, read once.
enum Environment {
    static let values: [String: String] = ProcessInfo.processInfo.environment
}

/// The wall clock every command reads and injects: now, in epoch seconds.
let wallClock: WallClock = { Int64(time(nil)) }

/// Parses a TIME option, or throws a usage error naming the flag.
func parseTime(_ text: String, flag: String) throws -> Int64 {
    guard let seconds = EpochTime.parse(text) else {
        throw OperationError.usage(
            "\(flag) \"\(text)\" is not a TIME; use ISO 8601 (2026-11-27T10:00:00Z) or epoch seconds")
    }
    return seconds
}

/// Parses a DURATION option, or throws a usage error (exit 64) naming the flag.
func parseDuration(_ text: String, flag: String) throws -> Duration {
    do {
        return .seconds(try DurationText.parse(text))
    } catch {
        throw OperationError.usage("\(flag): \(error.description)")
    }
}
