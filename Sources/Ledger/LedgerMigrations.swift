/// The SQL dialect of a ledger backend.
public enum SQLDialect: Sendable {
    /// SQLite's (the file and in-memory ledgers).
    case sqlite
    /// PostgreSQL's (the shared ledger).
    case postgres

    /// A migration's SQL with its placeholders written out in this dialect.
    func writeOut(_ sql: String) -> String {
        let types: [(placeholder: String, sqlite: String, postgres: String)] = [
            ("{serial}", "INTEGER PRIMARY KEY", "BIGSERIAL PRIMARY KEY"),
            ("{int}", "INTEGER", "BIGINT"),
            ("{flag}", "INTEGER", "SMALLINT"),
            ("{real}", "REAL", "DOUBLE PRECISION"),
            ("{key}", "TEXT", #"TEXT COLLATE "C""#),
        ]
        return types.reduce(sql) { sql, type in
            sql.replacing(type.placeholder, with: self == .sqlite ? type.sqlite : type.postgres)
        }
    }
}

/// The ledger's schema migrations, written once for both backends and applied in order. Never edit one
/// once released: add a new one.
///
/// The SQL sticks to what SQLite and PostgreSQL share (`RETURNING`, `ON CONFLICT`, CHECK constraints). The
/// column types the two spell differently are placeholders, which `all(in:)` writes out:
/// - `{serial}`: a row id the database assigns (`INTEGER PRIMARY KEY`; `BIGSERIAL PRIMARY KEY`);
/// - `{int}`: a 64-bit integer (`INTEGER`; `BIGINT`);
/// - `{flag}`: 0 or 1 (`INTEGER`; `SMALLINT`);
/// - `{real}`: a double (`REAL`; `DOUBLE PRECISION`);
/// - `{key}`: text compared byte by byte, as keys and labels must be (`TEXT`, whose default collation in
///   SQLite is binary; `TEXT COLLATE "C"`).
public enum LedgerMigrations {
    /// Every migration, in order, in `dialect`.
    public static func all(in dialect: SQLDialect) -> [(name: String, sql: String)] {
        written.map { (name: $0.name, sql: dialect.writeOut($0.sql)) }
    }

    static let written: [(name: String, sql: String)] = [
        (
            "0001_alerts_events_resolutions",
            """
            CREATE TABLE alerts (
                id {serial},
                identity {key} NOT NULL UNIQUE,
                app_key {key} NOT NULL CHECK (app_key <> ''),
                display TEXT NOT NULL,
                state TEXT NOT NULL CHECK (state IN ('open', 'resolved', 'rejected')),
                current_event_id {int} NOT NULL,
                last_received {int} NOT NULL,
                max_timestamp {int} NOT NULL,
                episode {int} NOT NULL DEFAULT 1 CHECK (episode >= 1),
                rejected_runs {int} NOT NULL DEFAULT 0 CHECK (rejected_runs >= 0),
                resolved_at {int}
            );
            CREATE INDEX alerts_by_state ON alerts (state, app_key, id);
            CREATE TABLE events (
                id {serial},
                alert_id {int} NOT NULL REFERENCES alerts (id),
                received_at {int} NOT NULL,
                recorded_at {int} NOT NULL,
                status TEXT NOT NULL CHECK (status IN ('ok', 'critical', 'warning', 'unknown', 'acknowledged')),
                timestamp {int},
                payload TEXT NOT NULL
            );
            CREATE INDEX events_by_alert ON events (alert_id, received_at);
            CREATE TABLE resolutions (
                id {serial},
                alert_id {int} NOT NULL REFERENCES alerts (id),
                event_id {int} NOT NULL REFERENCES events (id),
                sent_at {int} NOT NULL,
                timestamp {int} NOT NULL,
                rule TEXT NOT NULL,
                reason TEXT NOT NULL,
                http_status {int},
                attempts {int} NOT NULL CHECK (attempts >= 1),
                outcome TEXT NOT NULL CHECK (outcome IN ('resolved', 'fenced', 'failed', 'rejected')),
                error TEXT
            );
            CREATE INDEX resolutions_by_alert ON resolutions (alert_id, sent_at);
            """
        ),
        (
            "0002_outbox_heartbeats",
            """
            CREATE TABLE outbox (
                id {serial},
                alert_id {int} NOT NULL REFERENCES alerts (id),
                event_id {int} NOT NULL REFERENCES events (id),
                app_key TEXT NOT NULL CHECK (app_key <> ''),
                payload TEXT NOT NULL,
                state TEXT NOT NULL DEFAULT 'pending' CHECK (state IN ('pending', 'rejected')),
                created_at {int} NOT NULL,
                error TEXT
            );
            CREATE INDEX outbox_by_state ON outbox (state, id);
            CREATE INDEX outbox_by_alert ON outbox (alert_id, state);
            CREATE TABLE heartbeats (
                run_id TEXT PRIMARY KEY,
                first_at {int} NOT NULL,
                last_at {int} NOT NULL CHECK (last_at >= first_at)
            );
            """
        ),
        (
            "0003_metrics",
            """
            CREATE TABLE metrics (
                name {key} NOT NULL,
                labels {key} NOT NULL DEFAULT '',
                value {real} NOT NULL,
                PRIMARY KEY (name, labels)
            );
            """
        ),
        (
            // Reconcile: BigPanda's alert id once matched, alerts adopted from BigPanda, how each
            // resolved alert was resolved (drift and pending need "by us"), and how each close was sent.
            "0004_reconcile",
            """
            ALTER TABLE alerts ADD COLUMN bigpanda_alert_id TEXT;
            ALTER TABLE alerts ADD COLUMN adopted {flag} NOT NULL DEFAULT 0 CHECK (adopted IN (0, 1));
            ALTER TABLE alerts ADD COLUMN resolved_by TEXT CHECK (resolved_by IN ('event', 'ok', 'id', 'bigpanda'));
            ALTER TABLE resolutions ADD COLUMN method TEXT NOT NULL DEFAULT 'ok' CHECK (method IN ('ok', 'id'));
            UPDATE alerts SET resolved_by = CASE
                WHEN EXISTS (
                    SELECT 1 FROM resolutions r
                    WHERE r.alert_id = alerts.id AND r.outcome = 'resolved' AND r.sent_at = alerts.resolved_at
                ) THEN 'ok' ELSE 'event' END
            WHERE state = 'resolved';
            CREATE INDEX alerts_by_bigpanda_id ON alerts (bigpanda_alert_id) WHERE bigpanda_alert_id IS NOT NULL;
            """
        ),
        (
            // stale_after: auto: the last fetched Logz.io alert definitions with their fetch time, and
            // every definition id any fetch listed (one listed before and missing now was deleted).
            "0005_logzio_definitions",
            """
            CREATE TABLE logzio_definitions (
                singleton INTEGER PRIMARY KEY CHECK (singleton = 1),
                fetched_at {int} NOT NULL,
                definitions TEXT NOT NULL
            );
            CREATE TABLE logzio_listed_ids (
                id {int} PRIMARY KEY CHECK (id >= 0),
                first_listed_at {int} NOT NULL
            );
            """
        ),
        (
            // Several Logz.io accounts: a definition id means nothing without its account, so the cache and
            // the ids ever listed are kept per account ('' is the top-level account, which the rows of
            // 0005 belonged to).
            "0006_logzio_accounts",
            """
            CREATE TABLE logzio_definitions_by_account (
                account TEXT PRIMARY KEY,
                fetched_at {int} NOT NULL,
                definitions TEXT NOT NULL
            );
            INSERT INTO logzio_definitions_by_account (account, fetched_at, definitions)
                SELECT '', fetched_at, definitions FROM logzio_definitions;
            DROP TABLE logzio_definitions;
            ALTER TABLE logzio_definitions_by_account RENAME TO logzio_definitions;
            CREATE TABLE logzio_listed_ids_by_account (
                account TEXT NOT NULL,
                id {int} NOT NULL CHECK (id >= 0),
                first_listed_at {int} NOT NULL,
                PRIMARY KEY (account, id)
            );
            INSERT INTO logzio_listed_ids_by_account (account, id, first_listed_at)
                SELECT '', id, first_listed_at FROM logzio_listed_ids;
            DROP TABLE logzio_listed_ids;
            ALTER TABLE logzio_listed_ids_by_account RENAME TO logzio_listed_ids;
            """
        ),
        (
            // People first: the hold a person set in BigPanda that kept the alert open at the last sweep, for
            // list --json's held_by; null once the alert closes or is no longer held.
            "0007_held_by",
            """
            ALTER TABLE alerts ADD COLUMN held_by TEXT
                CHECK (held_by IN ('snoozed', 'maintenance', 'assigned', 'commented'));
            CREATE INDEX alerts_held ON alerts (id) WHERE held_by IS NOT NULL;
            """
        ),
    ]
}
