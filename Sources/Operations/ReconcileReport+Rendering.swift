public import Alerts
public import Reconcile

/// The `reconcile --json` object.
public enum ReconcileJSON {
    /// The counts per class, and one element per action.
    public static func object(_ report: ReconcileReport) -> JSONObject {
        var object = JSONObject([("bigpanda_active", .integer(Int64(report.bigPandaActive)))])
        for reconcileClass in ReconcileClass.allCases {
            object[reconcileClass.rawValue] = .integer(Int64(report.count(reconcileClass)))
        }
        object["adopted"] = .integer(Int64(report.adopted))
        object["closed"] = .integer(Int64(report.closed))
        object["truncated"] = .bool(report.truncated)
        if let reason = report.holdReason { object["hold_reason"] = .string(reason) }
        if !report.errors.isEmpty { object["errors"] = .array(report.errors.map { .string($0) }) }
        object["actions"] = .array(
            report.entries.map { entry in
                .object(
                    JSONObject([
                        ("class", .string(entry.reconcileClass.rawValue)),
                        ("identity", .string(entry.identity)),
                        ("bigpanda_alert_id", entry.bigPandaAlertID.map { .string($0) } ?? .null),
                        ("incident_id", entry.incidentID.map { .string($0) } ?? .null),
                        ("action", .string(entry.action.rawValue)),
                    ]))
            })
        return object
    }
}

/// The dry-run table of reconcile.
public enum ReconcileText {
    /// The table of classes and actions, and the counts.
    public static func render(_ report: ReconcileReport) -> String {
        let rows = report.entries.map {
            [
                $0.reconcileClass.rawValue, $0.action.rawValue, $0.identity, $0.bigPandaAlertID ?? "-",
                $0.incidentID ?? "-",
            ]
        }
        var text =
            rows.isEmpty
            ? "" : TextTable.render(header: ["CLASS", "ACTION", "IDENTITY", "BIGPANDA ALERT", "INCIDENT"], rows: rows)
        text += "\(report.bigPandaActive) active in BigPanda: "
        text += ReconcileClass.allCases.map { "\(report.count($0)) \($0.rawValue)" }.joined(separator: ", ")
        if report.truncated { text += " (search truncated)" }
        text += report.holdReason.map { " (held: \($0))" } ?? ""
        return text + "\n"
    }
}
