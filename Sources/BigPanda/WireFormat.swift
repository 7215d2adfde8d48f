public import Alerts

/// How payloads are shaped for BigPanda, which accepts no nested values.
public enum WireFormat {
    /// The fields that make up identity; they are always sent exactly as received.
    public static let identityFields: Set<String> = [
        "app_key", "primary_property", "secondary_property", "incident_identifier",
    ]

    /// The members sent exactly as received: the identity fields, and the fields that the
    /// `primary_property` and `secondary_property` values name.
    public static func keptAsReceived(primaryProperty: String?, secondaryProperty: String?) -> Set<String> {
        var kept = identityFields
        if let primaryProperty { kept.insert(primaryProperty) }
        if let secondaryProperty { kept.insert(secondaryProperty) }
        return kept
    }

    /// Appends one member's value, given as its JSON text, as BigPanda takes it: an object, or an array
    /// holding an object or an array, becomes a string of that text unless the member is `kept`; any
    /// other value goes as it is.
    ///
    /// This is the one flattener: the relay's forwards (`flattenedText`) and the sweep's `ok` events both
    /// write their members through it, so the same fields go out as the same bytes.
    /// `kept` is asked only for a nested value, so a payload without one costs no lookups.
    public static func writeFlattenedValue(
        _ text: ArraySlice<UInt8>, kept: @autoclosure () -> Bool, to out: inout [UInt8]
    ) {
        if RawJSONObject.isNested(text), !kept() {
            JSONValue.writeString(String(decoding: text, as: UTF8.self), to: &out)
        } else {
            out.append(contentsOf: text)
        }
    }

    /// The payload as compact JSON text with every nested value flattened by `writeFlattenedValue`;
    /// identity fields (and the primary and secondary property values) are left as they are.
    public static func flattenedText(_ payload: JSONObject) -> String {
        let kept = keptAsReceived(
            primaryProperty: payload["primary_property"]?.stringValue,
            secondaryProperty: payload["secondary_property"]?.stringValue)
        var out: [UInt8] = [UInt8(ascii: "{")]
        var value: [UInt8] = []
        for (key, member) in payload {
            if out.count > 1 { out.append(UInt8(ascii: ",")) }
            JSONValue.writeString(key, to: &out)
            out.append(UInt8(ascii: ":"))
            value.removeAll(keepingCapacity: true)
            member.write(to: &value)
            writeFlattenedValue(value[...], kept: kept.contains(key), to: &out)
        }
        out.append(UInt8(ascii: "}"))
        return String(decoding: out, as: UTF8.self)
    }

    /// The request body for a batch: `{"app_key": ..., "alerts": [...]}`.
    public static func batchBody(appKey: String, alerts: [JSONObject]) -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(alerts.count * 768 + 64)
        out.append(contentsOf: #"{"app_key":"#.utf8)
        JSONValue.writeString(appKey, to: &out)
        out.append(contentsOf: #","alerts":["#.utf8)
        for (index, alert) in alerts.enumerated() {
            if index > 0 { out.append(UInt8(ascii: ",")) }
            alert.write(to: &out)
        }
        out.append(contentsOf: "]}".utf8)
        return out
    }

    /// The request body for a batch of alerts already serialized as JSON objects.
    public static func batchBody<Alert: Collection<UInt8>>(appKey: String, serializedAlerts: [Alert]) -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(serializedAlerts.reduce(64) { $0 + $1.count + 1 })
        out.append(contentsOf: #"{"app_key":"#.utf8)
        JSONValue.writeString(appKey, to: &out)
        out.append(contentsOf: #","alerts":["#.utf8)
        for (index, alert) in serializedAlerts.enumerated() {
            if index > 0 { out.append(UInt8(ascii: ",")) }
            out.append(contentsOf: alert)
        }
        out.append(contentsOf: "]}".utf8)
        return out
    }
}
