import Alerts
import Ledger

/// `record`: one forwarded alert, read as a JSON object, into the ledger.
public enum Recording {
    /// Validates `input` as one alert and records it, received at `receivedAt`. A bad alert is exit 65
    /// naming the field, and leaves the ledger unchanged.
    public static func record(
        _ input: [UInt8], receivedAt: Int64, recordedAt: Int64, defaultAppKey: String?, into location: LedgerLocation
    ) throws(OperationError) {
        let value: JSONValue
        do {
            value = try JSONParser.parse(input)
        } catch {
            throw .data("stdin: \(error.description); send one JSON object")
        }
        let alert: Alert
        do {
            alert = try Alert.validate(value, defaultAppKey: defaultAppKey)
        } catch {
            throw .data("stdin: \(error.description)")
        }
        let ledger = try location.open(.readWrite())
        do {
            try ledger.record([IncomingEvent(alert: alert, receivedAt: receivedAt)], recordedAt: recordedAt)
        } catch {
            throw .failed("\(error)")
        }
    }
}
