public import Alerts

/// The keys by which a BigPanda alert and a ledger alert are the same alert: the incident identifier
/// against BigPanda's `incident_key`, or the primary and secondary property names and values as text.
public enum AlertMatchKeys {
    /// The property key of a ledger payload: primary name and value, then secondary (or its absence).
    public static func propertyKey(payload: JSONObject) -> String? {
        let primaryName =
            payload["primary_property"]?.stringValue ?? Alert.primaryCandidates.first { payload[$0] != nil }
        guard let primaryName, let primary = payload[primaryName] else { return nil }
        let secondaryName =
            payload["secondary_property"]?.stringValue ?? Alert.secondaryCandidates.first { payload[$0] != nil }
        var parts: [JSONValue] = [.string(primaryName), .string(primary.matchText)]
        if let secondaryName, let secondary = payload[secondaryName] {
            parts += [.string(secondaryName), .string(secondary.matchText)]
        }
        return JSONValue.array(parts).serialized()
    }

    /// The property key of a BigPanda alert, from its property names and its tags.
    public static func propertyKey(_ alert: IncidentAlert) -> String? {
        guard let primaryName = alert.primaryProperty, let primary = alert.tag(primaryName) else { return nil }
        var parts: [JSONValue] = [.string(primaryName), .string(primary.matchText)]
        if let secondaryName = alert.secondaryProperty, let secondary = alert.tag(secondaryName) {
            parts += [.string(secondaryName), .string(secondary.matchText)]
        }
        return JSONValue.array(parts).serialized()
    }

    /// The identity parts an adopted alert is stored under, and its display form.
    public static func identityParts(_ alert: IncidentAlert) -> [AlertIdentity.IdentityPart] {
        guard let primaryName = alert.primaryProperty, let primary = alert.tag(primaryName) else {
            return [.init(name: "bigpanda_alert_id", value: alert.id)]
        }
        var parts: [AlertIdentity.IdentityPart] = [.init(name: primaryName, value: primary.matchText)]
        if let secondaryName = alert.secondaryProperty, let secondary = alert.tag(secondaryName) {
            parts.append(.init(name: secondaryName, value: secondary.matchText))
        }
        return parts
    }

    /// The payload an adopted alert is recorded with: its tags plus `status`, `primary_property`,
    /// `secondary_property`, `bigpanda_alert_id` and `bigpanda_source_system`.
    public static func adoptedPayload(_ alert: IncidentAlert, status: AlertStatus) -> JSONObject {
        var payload = JSONObject()
        for tag in alert.tags { payload[tag.name] = tag.value }
        payload["status"] = .string(status.rawValue)
        if let primary = alert.primaryProperty, payload[primary] != nil {
            payload["primary_property"] = .string(primary)
        } else {
            payload["bigpanda_alert_id"] = .string(alert.id)
            payload["primary_property"] = .string("bigpanda_alert_id")
        }
        if let secondary = alert.secondaryProperty, payload[secondary] != nil {
            payload["secondary_property"] = .string(secondary)
        }
        payload["bigpanda_alert_id"] = .string(alert.id)
        payload["bigpanda_source_system"] = .string(alert.sourceSystem)
        return payload
    }
}
