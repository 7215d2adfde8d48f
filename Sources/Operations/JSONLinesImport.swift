import Alerts
import Ledger
import Threading

#if canImport(Glibc)
    import Glibc
#endif

/// `import`: forwarded alerts from a JSON Lines file into the ledger, all or nothing (or, with
/// `skipInvalid`, the good lines).
public struct JSONLinesImport {
    /// The file, or `-` for stdin.
    public var file: String
    /// Import the good lines and report each bad one (`--skip-invalid`).
    public var skipInvalid = false
    /// The app key for alerts that carry none.
    public var defaultAppKey: String?

    /// Creates an import.
    public init(file: String, defaultAppKey: String?) {
        self.file = file
        self.defaultAppKey = defaultAppKey
    }

    /// The file as messages name it.
    var source: String { file == "-" ? "stdin" : file }

    /// Records the file's alerts into `location`, received at `now` unless an envelope says otherwise.
    /// With `skipInvalid`, each bad line goes to `reportBadLine` as it is found.
    public func run(into location: LedgerLocation, now: Int64, reportBadLine: (String) -> Void) throws(OperationError) {
        guard let reader = LineReader(path: file) else {
            throw .data("\(source): cannot open: \(String(cString: strerror(errno)))")
        }
        let ledger = try location.open(.readWrite())
        var badLines: [String] = []
        var imported = 0
        let committed: Bool
        do {
            committed = try ledger.recordStream(recordedAt: now) { record in
                let defaultAppKey = defaultAppKey
                let lines = try ParsedLines(reader: reader) { line throws(LineError) in
                    try Self.parse(line: line, importTime: now, defaultAppKey: defaultAppKey)
                }
                let readError = try lines.forEach { line in
                    switch line {
                    case .event(let event):
                        if badLines.isEmpty || skipInvalid {
                            try record(event)
                            imported += 1
                        }
                    case .bad(let number, let message):
                        badLines.append("line \(number): \(message)")
                        if skipInvalid { reportBadLine("\(source): line \(number): \(message)") }
                    }
                }
                if let readError { throw OperationError.data("\(source): read failed: \(readError)") }
                return skipInvalid ? imported > 0 : badLines.isEmpty
            }
        } catch let error as OperationError {
            throw error
        } catch let error as ThreadHandle.StartError {
            throw .failed("cannot start the import's reading thread (pthread_create error \(error.errorNumber))")
        } catch {
            throw .failed("\(error)")
        }
        guard !committed else { return }
        if skipInvalid { throw .data("\(source): no line was imported (\(badLines.count) bad)") }
        let listed = badLines.prefix(1000).map { "\(source): \($0)" }.joined(separator: "\n")
        let more = badLines.count > 1000 ? "\n\(source): … and \(badLines.count - 1000) more bad lines" : ""
        throw .data(
            "\(listed)\(more)\nimport failed: \(badLines.count) bad line\(badLines.count == 1 ? "" : "s"); nothing was imported (fix them, or use --skip-invalid)"
        )
    }

    /// Why one line is bad.
    struct LineError: Error, Sendable {
        var message: String
    }

    /// Parses one line: an envelope (`alert` plus optional `received_at`) or a payload.
    static func parse(line: ArraySlice<UInt8>, importTime: Int64, defaultAppKey: String?) throws(LineError)
        -> IncomingEvent
    {
        let value: JSONValue
        do {
            value = try JSONParser.parse(Array(line))
        } catch {
            throw LineError(message: error.description)
        }
        var payload = value
        var receivedAt = importTime
        if let object = value.objectValue, object["alert"] != nil,
            object.keys.allSatisfy({ $0 == "alert" || $0 == "received_at" })
        {
            guard case .object = object["alert"] else {
                throw LineError(message: "alert: an envelope's alert must be an object")
            }
            payload = object["alert"] ?? .null
            if let stamp = object["received_at"] {
                let text: String? =
                    switch stamp {
                    case .string(let text): text
                    case .number(let text) where stamp.isInteger: text
                    default: nil
                    }
                guard let text, let seconds = EpochTime.parse(text) else {
                    throw LineError(
                        message: "received_at: must be ISO 8601 or epoch seconds, not \(stamp.serialized())")
                }
                receivedAt = seconds
            }
        }
        do {
            return IncomingEvent(
                alert: try Alert.validate(payload, defaultAppKey: defaultAppKey), receivedAt: receivedAt)
        } catch {
            throw LineError(message: error.description)
        }
    }
}

/// Reads a file (or stdin for `-`) line by line with `getline`, without loading it whole. Unchecked
/// Sendable: it is handed to the import's reading thread, which alone uses it from then on.
final class LineReader: @unchecked Sendable {
    private let file: UnsafeMutablePointer<FILE>
    private var buffer: UnsafeMutablePointer<CChar>?
    private var capacity = 0
    private(set) var error: String?

    init?(path: String) {
        if path == "-" {
            guard let standardInput = fdopen(dup(0), "r") else { return nil }
            file = standardInput
        } else {
            guard let opened = fopen(path, "r") else { return nil }
            file = opened
        }
    }

    deinit {
        free(buffer)
        fclose(file)
    }

    /// The next line without its newline, or nil at the end.
    func next() -> ArraySlice<UInt8>? {
        let count = getline(&buffer, &capacity, file)
        guard count >= 0, let buffer else {
            if ferror(file) != 0 { error = String(cString: strerror(errno)) }
            return nil
        }
        var length = count
        if length > 0, buffer[length - 1] == 0x0A { length -= 1 }
        return buffer.withMemoryRebound(to: UInt8.self, capacity: length) {
            ArraySlice(UnsafeBufferPointer(start: $0, count: length))
        }
    }
}
