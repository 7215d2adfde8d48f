import Alerts
import Ledger
import Postgres
import ResolverMetrics

/// Events recorded in bulk on a PostgreSQL ledger (`import`, a relay request with several alerts):
/// the state machine of recording one event at a time (SPEC "Ledger semantics"), with a few
/// statements per thousand events instead of three or four round trips per event.
///
/// Each alert's row is read and locked (`FOR UPDATE`) the first time one of its events comes, then
/// followed in memory through its later events, and written once at the end (or when too many alerts
/// are followed at once). A long history therefore leaves at most two versions of each alert's row,
/// not one per event, and a scan of the open alerts after the import does not step over a million
/// dead row versions. Events go in with `COPY`, their ids taken from the sequence first, in the order
/// they were recorded, so ids, outcomes and ties come out as one at a time; the server stores one
/// round's events while the next round is read and parsed.
///
/// All of it runs inside the caller's transaction: nothing is committed here.
final class PostgresRecordBatch {
    /// An alert as followed in memory: its row as read or written, and what changed since.
    private struct Followed {
        /// The row id; 0 until a new alert is inserted.
        var id: Int64
        /// Whether the alert had no row before this batch (so no audit rows either).
        var isNew: Bool
        var state: String
        var lastReceived: Int64
        /// The event that became current since the row was written, with its resolve time and cause.
        var current: (eventID: Int64, resolvedAt: Int64?, resolvedBy: String?)?
        /// The highest timestamp seen since the row was written.
        var maxTimestamp: Int64?
        /// Episodes begun since the row was written.
        var episodes: Int64 = 0
        /// The first event's index in the pending events, for a new alert's identity.
        var firstEvent = 0

        var isChanged: Bool { current != nil || maxTimestamp != nil || episodes != 0 }
    }

    /// An event waiting to be written, with what is derived from it once.
    private struct Pending {
        var event: IncomingEvent
        var key: String
        /// The payload as stored: compact JSON, as UTF-8.
        var payload: [UInt8]
    }

    /// How much a batch holds before it writes.
    struct Limits {
        /// Events written per round of statements (about 3 MB of payloads).
        var eventsPerRound = 2000
        /// Alerts followed in memory before their rows are written and forgotten (a few hundred bytes
        /// each); an import of more alerts writes some rows more than once.
        var followedAlerts = 100_000
    }

    private let limits: Limits
    private let connection: PostgresConnection
    private let recordedAt: Int64
    private let location: String
    private var pending: [Pending] = []
    private var followed: [String: Followed] = [:]
    /// Refire counts by metric labels, added when the batch ends.
    private var refires: [String: Double] = [:]
    /// How many events were recorded.
    private(set) var recorded = 0
    /// How many alert rows were written (inserted or updated), for the caller's upkeep.
    private(set) var alertRowsWritten = 0
    /// The events' id sequence, by name.
    private var eventSequence: String?

    init(connection: PostgresConnection, recordedAt: Int64, location: String, limits: Limits = Limits()) {
        self.connection = connection
        self.recordedAt = recordedAt
        self.location = location
        self.limits = limits
        pending.reserveCapacity(limits.eventsPerRound)
    }

    /// Adds an event; it is written with the next round.
    func add(_ event: IncomingEvent) throws {
        var payload: [UInt8] = []
        payload.reserveCapacity(2048)
        event.alert.payload.write(to: &payload)
        pending.append(Pending(event: event, key: event.alert.identity.key, payload: payload))
        recorded += 1
        if pending.count >= limits.eventsPerRound {
            try writeRound()
        } else if pending.count % 16 == 0 {
            // The last round's events go on to the server while this one is read.
            connection.sendPending()
        }
    }

    /// Writes what is still pending: the last events, every followed alert's row, and the counters. A
    /// batch of one event (a relay's usual commit) goes to `single` instead: recorded one at a time, it
    /// takes fewer round trips than a round.
    func finish(single: (IncomingEvent) throws -> Void) throws {
        if recorded == 1, let only = pending.first {
            pending.removeAll()
            try single(only.event)
            return
        }
        try writeRound()
        try writeAlerts()
        for (labels, value) in refires.sorted(by: { $0.key < $1.key }) {
            try connection.query(
                PostgresLedger.addMetricSQL, [.text(MetricName.refired.rawValue), .text(labels), .real(value)])
        }
        refires = [:]
    }

    // MARK: - A round of events

    private func writeRound() throws {
        guard !pending.isEmpty else { return }
        defer { pending.removeAll(keepingCapacity: true) }
        var adoptable = try readAlerts(pending.map(\.key))
        let eventIDs = try allocateEventIDs(pending.count)

        var newKeys: [String] = []
        var refireChecks: [(key: String, receivedAt: Int64)] = []
        for (index, item) in pending.enumerated() {
            if followed[item.key] == nil {
                if let adopted = try adopt(item, from: &adoptable) {
                    followed[item.key] = adopted
                } else {
                    followed[item.key] = Self.newAlert(item.event, eventID: eventIDs[index], firstEvent: index)
                    newKeys.append(item.key)
                    continue
                }
            }
            if let check = apply(item.event, eventID: eventIDs[index], to: item.key) { refireChecks.append(check) }
        }
        refireChecks += try insertNewAlerts(newKeys, eventIDs: eventIDs)
        try countRefires(refireChecks)
        try copyEvents(eventIDs: eventIDs)
        if followed.count > limits.followedAlerts {
            try writeAlerts()
            followed = [:]
        }
    }

    /// Reads and locks the rows of alerts not followed yet, by identity; returns the rows of adopted
    /// alerts (identity without an app key) that a new identity may take over, by that key.
    private func readAlerts(_ keys: [String]) throws -> [String: Followed] {
        var firstEvents: [String: Int] = [:]
        var unknown: [String] = []
        for (index, key) in keys.enumerated() where followed[key] == nil && firstEvents[key] == nil {
            firstEvents[key] = index
            unknown.append(key)
        }
        guard !unknown.isEmpty else { return [:] }
        for (key, row) in try lockRows(unknown) { followed[key] = row }
        // An alert adopted from BigPanda has no app key; the first event from the relay with the
        // same identity makes it an ordinary alert (see `adopt`).
        var adoptionKeys = Set<String>()
        for key in unknown where followed[key] == nil {
            if let index = firstEvents[key] {
                adoptionKeys.insert(Adoption.identityKey(pending[index].event.alert.identity.parts))
            }
        }
        guard !adoptionKeys.isEmpty else { return [:] }
        return try lockRows(Array(adoptionKeys))
    }

    private func lockRows(_ keys: [String]) throws -> [String: Followed] {
        // One index probe per key, whatever the planner knows about the table (an import's table has
        // no statistics yet, and `identity = ANY($1)` could then compare every row with every key);
        // in key order, so two batches lock rows in one order.
        let rows = try connection.query(
            """
            SELECT a.id, a.identity, a.state, a.last_received FROM unnest($1::text[]) AS k(identity)
            CROSS JOIN LATERAL (
                SELECT id, identity, state, last_received FROM alerts WHERE alerts.identity = k.identity
                LIMIT 1 FOR UPDATE
            ) AS a
            """,
            [.array(keys.sorted())])
        var found: [String: Followed] = [:]
        for row in 0..<rows.count {
            found[rows.text(row, 1)] = Followed(
                id: rows.int64(row, 0), isNew: false, state: rows.text(row, 2), lastReceived: rows.int64(row, 3))
        }
        return found
    }

    /// Ids for `count` events from the events' sequence, ascending, so they follow the recording order.
    private func allocateEventIDs(_ count: Int) throws -> [Int64] {
        if eventSequence == nil {
            // Looked up once: per row, the lookup costs twenty times the nextval.
            eventSequence = try connection.query("SELECT pg_get_serial_sequence('events', 'id')").text(0, 0)
        }
        let result = try connection.query(
            "SELECT nextval($1::regclass) AS id FROM generate_series(1, $2::integer) ORDER BY id",
            [.text(eventSequence ?? ""), .integer(Int64(count))])
        guard result.count == count else {
            throw LedgerError(location: location, message: "the events' sequence gave \(result.count) of \(count) ids")
        }
        return (0..<count).map { result.int64($0, 0) }
    }

    /// Takes over an adopted alert with the event's identity, as its first event from the relay does.
    private func adopt(_ item: Pending, from adoptable: inout [String: Followed]) throws -> Followed? {
        let identity = item.event.alert.identity
        guard let adopted = adoptable.removeValue(forKey: Adoption.identityKey(identity.parts)) else { return nil }
        try connection.query(
            "UPDATE alerts SET identity = $1, app_key = $2, display = $3, adopted = 0 WHERE id = $4",
            [.text(item.key), .text(identity.appKey), .text(identity.display), .integer(adopted.id)])
        return adopted
    }

    /// A new alert with its first event as the current one.
    private static func newAlert(_ event: IncomingEvent, eventID: Int64, firstEvent: Int) -> Followed {
        let recording = LedgerRules.recording(
            isOK: event.alert.status == .ok, receivedAt: event.receivedAt, existing: nil)
        return Followed(
            id: 0, isNew: true, state: recording.state.rawValue, lastReceived: event.receivedAt,
            current: (eventID, recording.resolved?.at, recording.resolved?.by.rawValue),
            maxTimestamp: event.alert.timestamp ?? event.receivedAt, firstEvent: firstEvent)
    }

    /// Applies a later event to a followed alert; returns a refire to check when a non-ok event came
    /// for an alert resolved until then.
    private func apply(_ event: IncomingEvent, eventID: Int64, to key: String) -> (key: String, receivedAt: Int64)? {
        guard var alert = followed[key] else { return nil }
        let stamp = event.alert.timestamp ?? event.receivedAt
        // The state machine every backend obeys (LedgerRules); an unknown state reads as not open.
        let recording = LedgerRules.recording(
            isOK: event.alert.status == .ok, receivedAt: event.receivedAt,
            existing: (AlertState(rawValue: alert.state) ?? .rejected, alert.lastReceived))
        let refire = recording.mayRefire ? (key, event.receivedAt) : nil
        if recording.becomesCurrent {
            if recording.opensEpisode { alert.episodes += 1 }
            alert.current = (eventID, recording.resolved?.at, recording.resolved?.by.rawValue)
            alert.state = recording.state.rawValue
            alert.lastReceived = event.receivedAt
        }
        // An older event recorded late is history; it only raises the timestamp floor.
        alert.maxTimestamp = max(alert.maxTimestamp ?? stamp, stamp)
        followed[key] = alert
        return refire
    }

    /// Inserts the round's new alerts in the order they first came, each with its state after the
    /// round. One that another writer inserted meanwhile (a relay; the insert waited for its commit)
    /// is read instead and its events of this round applied to it, as to any existing alert; returns
    /// the refires to check among those.
    private func insertNewAlerts(_ keys: [String], eventIDs: [Int64]) throws -> [(key: String, receivedAt: Int64)] {
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
    private func copyEvents(eventIDs: [Int64]) throws {
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
    private func countRefires(_ checks: [(key: String, receivedAt: Int64)]) throws {
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
    private func writeAlerts() throws {
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
