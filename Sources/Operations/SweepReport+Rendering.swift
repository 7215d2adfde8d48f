public import Alerts
import BigPanda
public import Staleness
public import Sweep

/// How JSON shows what Logz.io's trigger log said of an alert's definition.
public enum EvidenceJSON {
    /// The definition's latest logged trigger as ISO 8601 UTC, or null.
    public static func lastTrigger(_ evidence: Evidence) -> JSONValue {
        evidence.lastTrigger.map { .string(EpochTime.iso8601($0)) } ?? .null
    }
}

/// How text and JSON name the rule that applied: its name, or `-` when no rule applied (an alert kept
/// before any rule was read). The one place that spelling lives.
public enum RuleText {
    /// The rule's name, or `-`.
    public static func name(_ rule: String?) -> String {
        rule ?? "-"
    }
}

/// The `sweep --json` object.
public enum SweepJSON {
    /// The object as one line of JSON.
    public static func render(_ report: SweepReport, dryRun: Bool) -> String {
        object(report, dryRun: dryRun).serialized()
    }

    /// The object: the counts, and one element per action.
    public static func object(_ report: SweepReport, dryRun: Bool) -> JSONObject {
        let actions: [JSONValue] = report.actions.map { action in
            .object(
                JSONObject([
                    ("identity", .string(action.identity)),
                    ("app_key", .string(action.appKey)),
                    ("action", .string(action.action.rawValue)),
                    ("rule", .string(RuleText.name(action.rule))),
                    ("reason", .string(action.reason)),
                    ("http_status", action.httpStatus.map { .integer(Int64($0)) } ?? .null),
                    ("attempts", .integer(Int64(action.attempts))),
                    ("last_trigger", EvidenceJSON.lastTrigger(action.evidence)),
                    ("evidence", .string(action.evidence.state.rawValue)),
                    ("held_by", action.heldBy.map { .string($0.rawValue) } ?? .null),
                ]))
        }
        var object = JSONObject([
            ("open", .integer(Int64(report.open))),
            ("stale", .integer(Int64(report.stale))),
            ("resolved", .integer(Int64(report.resolved))),
            ("failed", .integer(Int64(report.failed))),
            ("held", .integer(Int64(report.held))),
            ("dry_run", .bool(dryRun)),
        ])
        if let reason = report.holdReason { object["hold_reason"] = .string(reason) }
        if !report.errors.isEmpty { object["errors"] = .array(report.errors.map { .string($0) }) }
        object["actions"] = .array(actions)
        return object
    }
}

/// The dry-run text report.
public enum SweepText {
    public static func render(_ report: SweepReport) -> String {
        let order: [SweepAction.Kind] = [.wouldResolve, .resolved, .held, .failed, .rejected, .kept]
        let sorted = report.actions.sorted {
            (order.firstIndex(of: $0.action) ?? 9) < (order.firstIndex(of: $1.action) ?? 9)
        }
        let rows = sorted.map { [$0.action.rawValue, $0.appKey, $0.identity, $0.reason] }
        var text = rows.isEmpty ? "" : TextTable.render(header: ["ACTION", "APP KEY", "IDENTITY", "WHY"], rows: rows)
        text +=
            "\(report.open) open, \(report.stale) stale, \(report.resolved) resolved, \(report.failed) failed, \(report.held) held"
        text += report.holdReason.map { " (held: \($0))" } ?? ""
        return text + "\n"
    }
}
