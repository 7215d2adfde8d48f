public import Alerts
import BigPanda
import Staleness

/// Builds the `ok` event that closes an alert in BigPanda, per SPEC.md "The `ok` event".
public enum OKEvent {
    /// BigPanda's limit on `description`.
    public static let maxDescription = 2048

    /// The `ok` timestamp: the later of the wall clock and one past every timestamp seen for the alert.
    public static func timestamp(wallClock: Int64, maxTimestamp: Int64) -> Int64 {
        max(wallClock, maxTimestamp + 1)
    }

    /// The wire payload: the last payload with status `ok`, a later timestamp, the reason and provenance tags,
    /// and nested values sent as JSON text.
    public static func build(payload: JSONObject, timestamp: Int64, reason: String, lastReceived: Int64) -> JSONObject {
        var event = payload
        event["status"] = .string(AlertStatus.ok.rawValue)
        event["timestamp"] = .integer(timestamp)
        var description = "resolved by logzio-resolver: \(reason)"
        if description.count > maxDescription {
            description = String(description.prefix(maxDescription - 1)) + "…"
        }
        event["description"] = .string(description)
        event["resolved_by"] = .string("logzio-resolver")
        event["resolve_reason"] = .string(String(reason.prefix(512)))
        event["last_received"] = .string(EpochTime.iso8601(lastReceived))
        return WireFormat.flattened(event)
    }
}
