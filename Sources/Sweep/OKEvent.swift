public import Alerts
import BigPanda
import Staleness

/// Builds the `ok` event that closes an alert in BigPanda, per SPEC.md "The `ok` event".
public enum OKEvent {
    /// BigPanda's limit on `description`.
    public static let maxDescription = 2048
    /// BigPanda's limit on a tag value.
    public static let maxTag = 512

    /// The `ok` timestamp: the later of the wall clock and one past every timestamp seen for the alert.
    public static func timestamp(wallClock: Int64, maxTimestamp: Int64) -> Int64 {
        max(wallClock, maxTimestamp + 1)
    }

    /// The wire payload as JSON text: the last payload with status `ok`, a later timestamp, the reason and
    /// provenance tags, and nested values flattened by `WireFormat.writeFlattenedValue`. Members are copied
    /// through as stored, so identity fields go back exactly as received; new fields are appended in a
    /// fixed order.
    public static func build(payload: RawJSONObject, timestamp: Int64, reason: String, lastReceived: Int64) -> [UInt8] {
        var description = "resolved by logzio-resolver: \(reason)"
        // A character is at least one UTF-8 byte: count characters only when the bytes could exceed.
        if description.utf8.count > maxDescription, description.count > maxDescription {
            description = String(description.prefix(maxDescription - 1)) + "…"
        }
        let replaced: [(key: String, value: JSONValue)] = [
            ("status", .string(AlertStatus.ok.rawValue)),
            ("timestamp", .integer(timestamp)),
            ("description", .string(description)),
            ("resolved_by", .string("logzio-resolver")),
            ("resolve_reason", .string(reason.utf8.count <= maxTag ? reason : String(reason.prefix(maxTag)))),
            ("last_received", .string(EpochTime.iso8601(lastReceived))),
        ]
        // Found only when a nested value needs it.
        var kept: Set<String>?
        func isKept(_ key: String) -> Bool {
            let fields =
                kept
                ?? WireFormat.keptAsReceived(
                    primaryProperty: (try? payload.value("primary_property"))?.stringValue,
                    secondaryProperty: (try? payload.value("secondary_property"))?.stringValue)
            kept = fields
            return fields.contains(key)
        }
        var out: [UInt8] = []
        out.reserveCapacity(payload.bytes.count + 512)
        out.append(UInt8(ascii: "{"))
        var written = [Bool](repeating: false, count: replaced.count)
        func member(_ key: String) {
            if out.count > 1 { out.append(UInt8(ascii: ",")) }
            JSONValue.writeString(key, to: &out)
            out.append(UInt8(ascii: ":"))
        }
        for (key, range) in payload.members {
            member(key)
            if let position = replaced.firstIndex(where: { $0.key == key }) {
                replaced[position].value.write(to: &out)
                written[position] = true
            } else {
                WireFormat.writeFlattenedValue(payload.raw(range), kept: isKept(key), to: &out)
            }
        }
        for (position, (key, value)) in replaced.enumerated() where !written[position] {
            member(key)
            value.write(to: &out)
        }
        out.append(UInt8(ascii: "}"))
        return out
    }
}
