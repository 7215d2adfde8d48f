import Alerts
import Logging

#if canImport(Glibc)
    import Glibc
#endif

/// The output format of log lines on stderr.
enum LogFormat: String, CaseIterable, Sendable {
    case text
    case json
}

/// Writes log lines to stderr as text or JSON objects (`ts`, `level`, `msg`, then dotted metadata keys),
/// with every known secret redacted.
struct StderrLogHandler: LogHandler {
    var logLevel: Logger.Level
    var metadata: Logger.Metadata = [:]
    let format: LogFormat
    let label: String

    subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    func log(event: LogEvent) {
        var merged = metadata
        if let extra = event.metadata { merged.merge(extra) { $1 } }
        let now = time(nil)
        let timestamp = EpochTime.iso8601(Int64(now))
        var line: String
        switch format {
        case .text:
            line = "\(timestamp) \(event.level) \(event.message)"
            for key in merged.keys.sorted() {
                line += " \(key)=\(merged[key].map { "\($0)" } ?? "")"
            }
        case .json:
            var out =
                "{\"ts\":\(jsonString(timestamp)),\"level\":\(jsonString(event.level.rawValue)),\"msg\":\(jsonString("\(event.message)"))"
            for key in merged.keys.sorted() {
                out += ",\(jsonString(key)):\(jsonString(merged[key].map { "\($0)" } ?? ""))"
            }
            line = out + "}"
        }
        Output.stderr(line)
    }

    private func jsonString(_ text: String) -> String {
        var bytes: [UInt8] = []
        JSONValue.writeString(text, to: &bytes)
        return String(decoding: bytes, as: UTF8.self)
    }
}
