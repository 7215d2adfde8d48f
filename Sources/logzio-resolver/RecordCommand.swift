import Alerts
import ArgumentParser
import Ledger
import Postgres
import PostgresLedger
import ResolverConfiguration

#if canImport(Glibc)
    import Glibc
#endif

/// `record`: reads one alert (a JSON object) from stdin into the ledger.
struct RecordCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "record",
        abstract: "Record one forwarded alert, read as a JSON object from stdin.",
        discussion: "Prints nothing on success. A bad alert exits 65 and names the field; the ledger is unchanged."
    )

    @OptionGroup var ledgerOptions: LedgerOptions

    @Option(name: .long, help: "When the alert was received (ISO 8601 or epoch seconds). Default: now.")
    var at: String?

    @OptionGroup var logging: LoggingOptions

    func run() throws {
        let config = try ledgerOptions.load()
        let receivedAt = try at.map { try parseTime($0, flag: "--at") } ?? wallClock()
        let input = readAllStandardInput()
        let value: JSONValue
        do {
            value = try JSONParser.parse(input)
        } catch {
            throw CLIError.data("stdin: \(error.description); send one JSON object")
        }
        let alert: Alert
        do {
            alert = try Alert.validate(value, defaultAppKey: config.appKey)
        } catch {
            throw CLIError.data("stdin: \(error.description)")
        }
        let ledger = try openLedger(config.ledger)
        do {
            try ledger.record([IncomingEvent(alert: alert, receivedAt: receivedAt)], recordedAt: wallClock())
        } catch {
            throw CLIError.failed("\(error)")
        }
    }
}

/// Opens the ledger, turning failures into one clear line. A ledger that cannot be opened (a missing
/// directory, no permission, not a ledger) is a configuration problem: exit 78; `source` names where
/// the ledger string came from, for the message.
func openLedger(
    _ path: String, mode: SQLiteLedger.Mode = .readWrite, durability: SQLiteLedger.Durability = .full,
    source: String = "ledger, LOGZIO_RESOLVER_LEDGER or --ledger"
) throws -> any LedgerBackend {
    if PostgresConnectionString.isPostgres(path) {
        // Cannot reach the database: exit 1, so cron retries; a refused login or a missing database: 78.
        do {
            return try PostgresLedger.open(try PostgresConnectionString(path), readOnly: mode != .readWrite)
        } catch let error as LedgerError where error.isUnreachable {
            throw CLIError.failed("\(error)")
        } catch {
            throw CLIError.config("\(error) (check \(source))")
        }
    }
    do {
        return try SQLiteLedger.open(path: path, mode: mode, durability: durability)
    } catch let error as LedgerError where error.isBusy {
        throw CLIError.failed("\(error)")
    } catch {
        throw CLIError.config("\(error) (check \(source))")
    }
}

/// Reads standard input to the end.
func readAllStandardInput() -> [UInt8] {
    var bytes: [UInt8] = []
    var buffer = [UInt8](repeating: 0, count: 65_536)
    while true {
        let count = buffer.withUnsafeMutableBytes { read(0, $0.baseAddress, $0.count) }
        if count < 0, errno == EINTR { continue }
        if count <= 0 { break }
        bytes.append(contentsOf: buffer[0..<count])
    }
    return bytes
}
