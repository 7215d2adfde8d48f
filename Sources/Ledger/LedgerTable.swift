/// A table of the ledger as people know it, in the order a copy writes them (an alert before its
/// events, an event before the resolutions and outbox rows that name it).
public enum LedgerTable: String, Sendable, CaseIterable {
    /// The alerts, one per identity, with their state.
    case alerts
    /// Every recorded event.
    case events
    /// Every `ok` or close by id we sent, with its outcome.
    case resolutions
    /// The counters and gauges kept across runs.
    case counters
    /// The relays' heartbeats.
    case heartbeats
    /// Every Logz.io definition id a fetch has listed, per account.
    case definitions
    /// The last fetched Logz.io definitions, per account.
    case definitionCache = "definition cache"
    /// The relay's forwards waiting for, or refused by, BigPanda.
    case outbox

    /// The name people know it by, for messages and the copy's report.
    public var label: String { rawValue }

    /// The SQL table's name, the same on both backends.
    public var sqlName: String {
        switch self {
        case .counters: "metrics"
        case .definitions: "logzio_listed_ids"
        case .definitionCache: "logzio_definitions"
        default: rawValue
        }
    }

    /// The columns a row's values stand for, in order.
    public var columns: [(name: String, kind: LedgerValue.Kind)] {
        switch self {
        case .alerts:
            [
                ("id", .integer), ("identity", .text), ("app_key", .text), ("display", .text), ("state", .text),
                ("current_event_id", .integer), ("last_received", .integer), ("max_timestamp", .integer),
                ("episode", .integer), ("rejected_runs", .integer), ("resolved_at", .integer),
                ("bigpanda_alert_id", .text), ("adopted", .integer), ("resolved_by", .text), ("held_by", .text),
            ]
        case .events:
            [
                ("id", .integer), ("alert_id", .integer), ("received_at", .integer), ("recorded_at", .integer),
                ("status", .text), ("timestamp", .integer), ("payload", .text),
            ]
        case .resolutions:
            [
                ("id", .integer), ("alert_id", .integer), ("event_id", .integer), ("sent_at", .integer),
                ("timestamp", .integer), ("rule", .text), ("reason", .text), ("http_status", .integer),
                ("attempts", .integer), ("outcome", .text), ("error", .text), ("method", .text),
            ]
        case .counters: [("name", .text), ("labels", .text), ("value", .real)]
        case .heartbeats: [("run_id", .text), ("first_at", .integer), ("last_at", .integer)]
        case .definitions: [("account", .text), ("id", .integer), ("first_listed_at", .integer)]
        case .definitionCache: [("account", .text), ("fetched_at", .integer), ("definitions", .text)]
        case .outbox:
            [
                ("id", .integer), ("alert_id", .integer), ("event_id", .integer), ("app_key", .text),
                ("payload", .text), ("state", .text), ("created_at", .integer), ("error", .text),
            ]
        }
    }

    /// The primary key's columns, which a copy reads the rows in order of.
    public var key: [String] {
        switch self {
        case .counters: ["name", "labels"]
        case .heartbeats: ["run_id"]
        case .definitions: ["account", "id"]
        case .definitionCache: ["account"]
        default: ["id"]
        }
    }

    /// Whether the key is an integer id the backend numbers itself, so a copy moves the numbering on
    /// past the ids it wrote.
    public var hasGeneratedID: Bool {
        switch self {
        case .alerts, .events, .resolutions, .outbox: true
        default: false
        }
    }
}
