public import Alerts

/// How payloads are shaped for BigPanda, which accepts no nested values.
public enum WireFormat {
    /// The fields that make up identity; they are always sent exactly as received.
    public static let identityFields: Set<String> = [
        "app_key", "primary_property", "secondary_property", "incident_identifier",
    ]

    /// The payload with every object, and every array holding objects or arrays, replaced by its JSON text.
    /// Identity fields (and the primary and secondary property values) are left as they are.
    public static func flattened(_ payload: JSONObject) -> JSONObject {
        var keep = identityFields
        if case .string(let name)? = payload["primary_property"] { keep.insert(name) }
        if case .string(let name)? = payload["secondary_property"] { keep.insert(name) }
        var out = JSONObject()
        for (key, value) in payload {
            if keep.contains(key) {
                out[key] = value
                continue
            }
            switch value {
            case .object:
                out[key] = .string(value.serialized())
            case .array(let items)
            where items.contains(where: { item in
                if case .object = item { return true }
                if case .array = item { return true }
                return false
            }):
                out[key] = .string(value.serialized())
            default:
                out[key] = value
            }
        }
        return out
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

    /// BigPanda's error text from a response body: the `error` or `message` field if the body is
    /// JSON, else the body itself, shortened to one line.
    public static func errorText(from body: [UInt8]) -> String {
        if let object = try? JSONParser.parse(body).objectValue {
            for key in ["error", "message", "errors", "details"] {
                if let value = object[key] { return oneLine(value.matchText) }
            }
        }
        let text = oneLine(String(decoding: body, as: UTF8.self))
        return text.isEmpty ? "(empty body)" : text
    }

    private static func oneLine(_ text: String) -> String {
        let cleaned = String(
            text.map { $0.isNewline || $0 == "\t" ? " " : $0 }.filter { !($0.asciiValue.map { $0 < 0x20 } ?? false) })
        return cleaned.count > 300 ? String(cleaned.prefix(300)) + "…" : cleaned
    }
}
