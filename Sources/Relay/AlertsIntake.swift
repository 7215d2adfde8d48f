import Alerts
import BigPanda
public import Ledger

/// Why a relay request body was refused (HTTP 400), naming the alert and field.
public struct IntakeError: Error, Sendable, Equatable, CustomStringConvertible {
    /// What is wrong, e.g. `alerts[2]: status: "firing" is not one of ...`.
    public var message: String

    public var description: String { message }
}

/// Turns a BigPanda-shaped request body (one alert, or a batch) into events to record: whole or not at all.
public enum AlertsIntake {
    /// Parses and validates a body.
    ///
    /// - Parameters:
    ///   - defaultAppKey: fills alerts that carry no `app_key` when the batch has none.
    ///   - receivedAt: the receive time; it is stamped as `timestamp` on forwards that have none.
    ///   - forward: whether to build the outbox payload for each event.
    public static func parse(
        _ body: [UInt8],
        defaultAppKey: String?,
        receivedAt: Int64,
        forward: Bool
    ) throws(IntakeError) -> [IncomingEvent] {
        let value: JSONValue
        do {
            value = try JSONParser.parse(body)
        } catch {
            throw IntakeError(message: error.description)
        }
        guard let object = value.objectValue else {
            throw IntakeError(
                message: "the body must be a JSON object (one alert, or {\"app_key\": ..., \"alerts\": [...]})")
        }
        var alerts: [(prefix: String, value: JSONValue)] = []
        var appKey = defaultAppKey
        if let list = object["alerts"] {
            guard case .array(let items) = list else {
                throw IntakeError(message: "alerts: must be an array of alerts")
            }
            guard !items.isEmpty else { throw IntakeError(message: "alerts: the batch is empty") }
            if let batchKey = object["app_key"] {
                guard case .string(let key) = batchKey, !key.isEmpty else {
                    throw IntakeError(message: "app_key: the batch's app_key must be a non-empty string")
                }
                appKey = key
                for (index, item) in items.enumerated() {
                    if case .string(let own)? = item.objectValue?["app_key"], own != key {
                        throw IntakeError(
                            message: "alerts[\(index)]: app_key: \"\(own)\" differs from the batch's app_key")
                    }
                }
            }
            alerts = items.enumerated().map { ("alerts[\($0.offset)]: ", $0.element) }
        } else {
            alerts = [("", value)]
        }
        var events: [IncomingEvent] = []
        events.reserveCapacity(alerts.count)
        for (prefix, item) in alerts {
            let alert: Alert
            do {
                alert = try Alert.validate(item, defaultAppKey: appKey)
            } catch {
                throw IntakeError(message: prefix + error.description)
            }
            var forwardText: String?
            if forward {
                var payload = alert.payload
                if payload["timestamp"] == nil { payload["timestamp"] = .integer(receivedAt) }
                forwardText = WireFormat.flattenedText(payload)
            }
            events.append(IncomingEvent(alert: alert, receivedAt: receivedAt, forward: forwardText))
        }
        return events
    }
}
