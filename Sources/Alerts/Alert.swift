/// A payload accepted for the ledger: validated, with its status lowercased and its app key filled in.
public struct Alert: Sendable, Equatable {
    /// The payload as it will be stored.
    public var payload: JSONObject
    /// The lowercased status.
    public var status: AlertStatus
    /// The BigPanda identity.
    public var identity: AlertIdentity
    /// The payload's `timestamp` in epoch seconds, if it had one.
    public var timestamp: Int64?

    /// The fields BigPanda looks in, in order, when `primary_property` is absent.
    public static let primaryCandidates = ["host", "service", "application", "device"]
    /// The fields BigPanda looks in, in order, when `secondary_property` is absent.
    public static let secondaryCandidates = ["check", "sensor"]

    /// Validates a JSON value as an alert, per SPEC.md "Accepted alerts".
    ///
    /// - Parameter defaultAppKey: `BIGPANDA_APP_KEY` (or a batch's `app_key`), used when the alert has none.
    public static func validate(_ value: JSONValue, defaultAppKey: String?) throws(AlertValidationError) -> Alert {
        guard var payload = value.objectValue else {
            throw AlertValidationError(field: "", reason: "an alert must be a JSON object, not \(value.typeName)")
        }

        guard let statusValue = payload["status"] else {
            throw AlertValidationError(field: "status", reason: "missing; use one of \(AlertStatus.acceptedList)")
        }
        guard let statusText = statusValue.stringValue, let status = AlertStatus(parsing: statusText) else {
            throw AlertValidationError(
                field: "status",
                reason: "\(describe(statusValue)) is not one of \(AlertStatus.acceptedList)"
            )
        }
        payload["status"] = .string(status.rawValue)

        let appKey: String
        switch payload["app_key"] {
        case .string(let key) where !key.isEmpty:
            appKey = key
        case nil, .null?:
            guard let defaultAppKey, !defaultAppKey.isEmpty else {
                throw AlertValidationError(
                    field: "app_key",
                    reason: "missing; put it in the alert or set BIGPANDA_APP_KEY"
                )
            }
            appKey = defaultAppKey
            payload["app_key"] = .string(defaultAppKey)
        case let other?:
            throw AlertValidationError(field: "app_key", reason: "must be a non-empty string, not \(describe(other))")
        }

        if let incident = payload["incident_identifier"] {
            guard case .string(let text) = incident, !text.isEmpty else {
                throw AlertValidationError(
                    field: "incident_identifier",
                    reason: "must be a non-empty string, not \(describe(incident))"
                )
            }
        }
        if let description = payload["description"], description.stringValue == nil {
            throw AlertValidationError(field: "description", reason: "must be a string, not \(describe(description))")
        }
        var timestamp: Int64?
        if let stamp = payload["timestamp"] {
            guard case .number(let text) = stamp, text.utf8.count == 10, JSONValue.isIntegerText(text),
                !text.hasPrefix("-"), let seconds = Int64(text)
            else {
                throw AlertValidationError(
                    field: "timestamp",
                    reason: "must be an integer number of epoch seconds (10 digits), not \(describe(stamp))"
                )
            }
            timestamp = seconds
        }

        let primary = try property(
            named: "primary_property", candidates: primaryCandidates, in: payload)
        guard let primary else {
            throw AlertValidationError(
                field: "host",
                reason:
                    "no primary property; add one of host, service, application, device, or name one with primary_property"
            )
        }
        let primaryValue = payload[primary] ?? .null
        switch primaryValue {
        case .string(let text) where !text.isEmpty: break
        case .number where primaryValue.isInteger: break
        default:
            throw AlertValidationError(
                field: primary,
                reason: "the primary property must be a non-empty string or an integer, not \(describe(primaryValue))"
            )
        }
        let secondary = try property(
            named: "secondary_property", candidates: secondaryCandidates, in: payload)

        var parts: [AlertIdentity.IdentityPart]
        if case .string(let incident)? = payload["incident_identifier"] {
            parts = [.init(name: "incident_identifier", value: incident)]
        } else {
            parts = [.init(name: primary, value: primaryValue.matchText)]
            if let secondary, let value = payload[secondary] {
                parts.append(.init(name: secondary, value: value.matchText))
            }
        }
        return Alert(
            payload: payload,
            status: status,
            identity: AlertIdentity(appKey: appKey, parts: parts),
            timestamp: timestamp
        )
    }

    /// Finds the field a `*_property` key names, or the first present candidate.
    private static func property(
        named key: String,
        candidates: [String],
        in payload: JSONObject
    ) throws(AlertValidationError) -> String? {
        if let named = payload[key] {
            guard case .string(let name) = named, !name.isEmpty else {
                throw AlertValidationError(field: key, reason: "must name a field, not \(describe(named))")
            }
            guard payload[name] != nil else {
                throw AlertValidationError(
                    field: key, reason: "names the field \(describe(.string(name))), which the alert does not have")
            }
            return name
        }
        return candidates.first { payload[$0] != nil }
    }

    /// A short rendering of a bad value for an error message: one line, control characters escaped
    /// as in JSON, so hostile input cannot spread an error over several lines or forge one.
    static func describe(_ value: JSONValue) -> String {
        switch value {
        case .string(let text):
            let shown = text.count > 40 ? String(text.prefix(40)) + "…" : text
            return quotedForMessage(shown)
        case .number(let text): return text
        default: return value.typeName
        }
    }
}
