import Alerts
import Ledger
import Postgres
import ResolverMetrics

/// The writes of a round: new alerts, events by `COPY`, the refire counts, and the followed alerts' rows.
extension PostgresRecordBatch {
    /// Inserts the round's new alerts in the order they first came, each with its state after the
    /// round. One that another writer inserted meanwhile (a relay; the insert waited for its commit)
    /// is read instead and its events of this round applied to it, as to any existing alert; returns
    /// the refires to check among those.
    func insertNewAlerts(_ keys: [String], eventIDs: [Int64]) throws -> [(key: String, receivedAt: Int64)] {
        guard !keys.isEmpty else { return [] }
        var identities: [String?] = []
        var appKeys: [String?] = []
        var displays: [String?] = []
        var states: [String?] = []
        var currents: [Int64] = []
        var lastReceived: [Int64] = []
        var maxTimestamps: [Int64] = []
        var resolvedAt: [Int64?] = []
        var resolvedBy: [String?] = []
        var episodes: [Int64] = []
        for key in keys {
            guard let alert = followed[key], let current = alert.current else { continue }
            let identity = pending[alert.firstEvent].event.alert.identity
            identities.append(key)
            appKeys.append(identity.appKey)
            displays.append(identity.display)
            states.append(alert.state)
            currents.append(current.eventID)
            lastReceived.append(alert.lastReceived)
            maxTimestamps.append(alert.maxTimestamp ?? alert.lastReceived)
            resolvedAt.append(current.resolvedAt)
            resolvedBy.append(current.resolvedBy)
            episodes.append(1 + alert.episodes)
        }
        let inserted = try connection.query(
            """
            INSERT INTO alerts
                (identity, app_key, display, state, current_event_id, last_received, max_timestamp,
                 resolved_at, resolved_by, episode)
            SELECT identity, app_key, display, state, current_event_id, last_received, max_timestamp,
                   resolved_at, resolved_by, episode
            FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::bigint[], $6::bigint[], $7::bigint[],
                        $8::bigint[], $9::text[], $10::bigint[])
                WITH ORDINALITY AS n(identity, app_key, display, state, current_event_id, last_received,
                                     max_timestamp, resolved_at, resolved_by, episode, position)
            ORDER BY position
            ON CONFLICT (identity) DO NOTHING
            RETURNING id, identity
            """,
            [
                .array(identities), .array(appKeys), .array(displays), .array(states), .array(currents),
                .array(lastReceived), .array(maxTimestamps), .array(resolvedAt), .array(resolvedBy),
                .array(episodes),
            ])
        var ids: [String: Int64] = [:]
        for row in 0..<inserted.count { ids[inserted.text(row, 1)] = inserted.int64(row, 0) }
        alertRowsWritten += inserted.count
        var taken: [String] = []
        for key in keys {
            guard let id = ids[key] else {
                taken.append(key)
                continue
            }
            // Written as it stands: nothing is pending for it.
            followed[key]?.id = id
            followed[key]?.current = nil
            followed[key]?.maxTimestamp = nil
            followed[key]?.episodes = 0
        }
        guard !taken.isEmpty else { return [] }
        let rows = try lockRows(taken)
        var refireChecks: [(key: String, receivedAt: Int64)] = []
        for key in taken {
            guard let row = rows[key] else {
                throw LedgerError(location: location, message: "an alert vanished while recording (\(key))")
            }
            followed[key] = row
            for (index, item) in pending.enumerated() where item.key == key {
                if let check = apply(item.event, eventID: eventIDs[index], to: key) { refireChecks.append(check) }
            }
        }
        return refireChecks
    }

    /// Writes the round's events, and the forwards of those that have one, each with one `COPY`.
    func copyEvents(eventIDs: [Int64]) throws {
        var events = PostgresCopyRows(capacity: pending.reduce(0) { $0 + $1.payload.count + 96 })
        var forwards = PostgresCopyRows()
        for (index, item) in pending.enumerated() {
            let alertID = followed[item.key]?.id ?? 0
            events.append(eventIDs[index])
            events.append(alertID)
            events.append(item.event.receivedAt)
            events.append(recordedAt)
            events.append(item.event.alert.status.rawValue)
            events.append(.optional(item.event.alert.timestamp))
            events.append(utf8: item.payload)
            events.endRow()
            if let forward = item.event.forward {
                forwards.append(alertID)
                forwards.append(eventIDs[index])
                forwards.append(item.event.alert.identity.appKey)
                forwards.append(forward)
                forwards.append(recordedAt)
                forwards.endRow()
            }
        }
        // The last COPY of the round is left going: the server stores it while the next round is read.
        let copyEvents =
            "COPY events (id, alert_id, received_at, recorded_at, status, timestamp, payload) FROM STDIN (FORMAT binary)"
        if forwards.count > 0 {
            try connection.copy(copyEvents, events)
            try connection.startCopy(
                "COPY outbox (alert_id, event_id, app_key, payload, created_at) FROM STDIN (FORMAT binary)", forwards)
        } else {
            try connection.startCopy(copyEvents, events)
        }
    }

    /// Counts each non-ok event that arrived within 1 h after one of our oks was accepted for its alert.
    func countRefires(_ checks: [(key: String, receivedAt: Int64)]) throws {
        var byAlert: [Int64: [Int64]] = [:]
        for check in checks {
            // A new alert has no audit rows: nothing to count.
            guard let alert = followed[check.key], !alert.isNew else { continue }
            byAlert[alert.id, default: []].append(check.receivedAt)
        }
        guard !byAlert.isEmpty else { return }
        let last = try connection.query(
            """
            SELECT DISTINCT ON (alert_id) alert_id, rule, sent_at FROM resolutions
            WHERE alert_id = ANY($1::bigint[]) AND outcome = 'resolved' ORDER BY alert_id, id DESC
            """,
            [.array(Array(byAlert.keys))])
        for row in 0..<last.count {
            let sentAt = last.int64(row, 2)
            let count =
                byAlert[last.int64(row, 0)]?.filter { LedgerRules.isRefire(receivedAt: $0, afterOKSentAt: sentAt) }
                .count
                ?? 0
            guard count > 0 else { continue }
            refires[MetricLabels([(.rule, last.text(row, 1))]).text, default: 0] += Double(count)
        }
    }

    // MARK: - The alerts' rows

    /// Writes every followed alert that changed since its row was written, in one statement.
    func writeAlerts() throws {
        var ids: [Int64] = []
        var currents: [Int64?] = []
        var lastReceived: [Int64?] = []
        var maxTimestamps: [Int64?] = []
        var episodes: [Int64] = []
        var resolvedAt: [Int64?] = []
        var resolvedBy: [String?] = []
        var states: [String?] = []
        for alert in followed.values.sorted(by: { $0.id < $1.id }) where alert.isChanged {
            ids.append(alert.id)
            currents.append(alert.current?.eventID)
            lastReceived.append(alert.current == nil ? nil : alert.lastReceived)
            maxTimestamps.append(alert.maxTimestamp)
            episodes.append(alert.episodes)
            resolvedAt.append(alert.current?.resolvedAt)
            resolvedBy.append(alert.current?.resolvedBy)
            states.append(alert.current == nil ? nil : alert.state)
        }
        guard !ids.isEmpty else { return }
        alertRowsWritten += ids.count
        // An alert whose current event changed takes that event's state (and a reset refusal count);
        // one that only saw older events keeps it and only raises its timestamp floor.
        try connection.query(
            """
            UPDATE alerts AS a SET
                current_event_id = COALESCE(u.current_event_id, a.current_event_id),
                last_received = COALESCE(u.last_received, a.last_received),
                max_timestamp = GREATEST(a.max_timestamp, u.max_timestamp),
                rejected_runs = CASE WHEN u.current_event_id IS NULL THEN a.rejected_runs ELSE 0 END,
                episode = a.episode + u.episodes,
                resolved_at = CASE WHEN u.current_event_id IS NULL THEN a.resolved_at ELSE u.resolved_at END,
                resolved_by = CASE WHEN u.current_event_id IS NULL THEN a.resolved_by ELSE u.resolved_by END,
                state = COALESCE(u.state, a.state)
            FROM unnest($1::bigint[], $2::bigint[], $3::bigint[], $4::bigint[], $5::bigint[], $6::bigint[],
                        $7::text[], $8::text[])
                AS u(id, current_event_id, last_received, max_timestamp, episodes, resolved_at, resolved_by, state)
            WHERE a.id = u.id
            """,
            [
                .array(ids), .array(currents), .array(lastReceived), .array(maxTimestamps), .array(episodes),
                .array(resolvedAt), .array(resolvedBy), .array(states),
            ])
        for key in followed.keys {
            followed[key]?.current = nil
            followed[key]?.maxTimestamp = nil
            followed[key]?.episodes = 0
        }
    }
}
