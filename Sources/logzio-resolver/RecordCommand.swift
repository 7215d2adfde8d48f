import ArgumentParser
import Operations
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
        let (config, ledger) = try ledgerOptions.load()
        let receivedAt = try at.map { try parseTime($0, flag: "--at") } ?? wallClock()
        try Recording.record(
            readAllStandardInput(), receivedAt: receivedAt, recordedAt: wallClock(), defaultAppKey: config.appKey,
            into: ledger)
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
