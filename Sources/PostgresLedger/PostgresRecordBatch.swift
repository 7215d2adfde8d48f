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
    struct Followed {
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
    struct Pending {
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

    let limits: Limits
    let connection: PostgresConnection
    let recordedAt: Int64
    let location: String
    var pending: [Pending] = []
    var followed: [String: Followed] = [:]
    /// Refire counts by metric labels, added when the batch ends.
    var refires: [String: Double] = [:]
    /// How many events were recorded.
    private(set) var recorded = 0
    /// How many alert rows were written (inserted or updated), for the caller's upkeep.
    var alertRowsWritten = 0
    /// The events' id sequence, by name.
    var eventSequence: String?

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

    func writeRound() throws {
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
    func readAlerts(_ keys: [String]) throws -> [String: Followed] {
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

    func lockRows(_ keys: [String]) throws -> [String: Followed] {
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
    func allocateEventIDs(_ count: Int) throws -> [Int64] {
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
    func adopt(_ item: Pending, from adoptable: inout [String: Followed]) throws -> Followed? {
        let identity = item.event.alert.identity
        guard let adopted = adoptable.removeValue(forKey: Adoption.identityKey(identity.parts)) else { return nil }
        try connection.query(
            "UPDATE alerts SET identity = $1, app_key = $2, display = $3, adopted = 0 WHERE id = $4",
            [.text(item.key), .text(identity.appKey), .text(identity.display), .integer(adopted.id)])
        return adopted
    }

    /// A new alert with its first event as the current one.
    static func newAlert(_ event: IncomingEvent, eventID: Int64, firstEvent: Int) -> Followed {
        let recording = LedgerRules.recording(
            isOK: event.alert.status == .ok, receivedAt: event.receivedAt, existing: nil)
        return Followed(
            id: 0, isNew: true, state: recording.state.rawValue, lastReceived: event.receivedAt,
            current: (eventID, recording.resolved?.at, recording.resolved?.by.rawValue),
            maxTimestamp: event.alert.timestamp ?? event.receivedAt, firstEvent: firstEvent)
    }

    /// Applies a later event to a followed alert; returns a refire to check when a non-ok event came
    /// for an alert resolved until then.
    func apply(_ event: IncomingEvent, eventID: Int64, to key: String) -> (key: String, receivedAt: Int64)? {
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
}
