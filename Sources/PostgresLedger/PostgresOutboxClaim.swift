import Ledger
import Postgres

/// Outbox rows one forwarder holds on PostgreSQL: locked `FOR UPDATE SKIP LOCKED` in a transaction on
/// the ledger's outbox connection, so other forwarders pass them by until the claim is released, and a
/// forwarder that dies frees them with its connection.
///
/// Completions and rejections are written in the claim's transaction and kept when it is released.
/// The connection ends a transaction left idle for `idleLimit` (a hung forwarder): its rows are then
/// simply sent again.
final class PostgresOutboxClaim: OutboxClaim, @unchecked Sendable {
    // Used only from the task that uses the ledger, as the ledger is.
    private let connection: PostgresConnection
    private let location: String
    private var failed = false
    private(set) var isOpen = true
    let rows: [OutboxRow]

    /// Seconds a claim's transaction may stay idle (between the rows' lock and their completion).
    static let idleLimit = 300

    /// Claims up to `limit` of the oldest pending rows no other forwarder holds.
    init(connection: PostgresConnection, limit: Int, location: String) throws {
        self.connection = connection
        self.location = location
        do {
            try connection.execute("BEGIN")
            let result = try connection.query(
                """
                SELECT id, alert_id, app_key, payload FROM outbox WHERE state = 'pending'
                ORDER BY id LIMIT $1 FOR UPDATE SKIP LOCKED
                """,
                [.integer(Int64(limit))])
            let claimed = (0..<result.count).map { row in
                OutboxRow(
                    id: result.int64(row, 0), alertID: result.int64(row, 1), appKey: result.text(row, 2),
                    payload: result.text(row, 3))
            }
            rows = try Self.inOrder(claimed, connection: connection)
        } catch {
            _ = try? connection.execute("ROLLBACK")
            throw PostgresLedger.ledgerError(error, location: location)
        }
    }

    /// The claimed rows without those of an alert that has an older pending row this claim does not
    /// hold: another forwarder holds it, and this alert's later events must wait for it.
    private static func inOrder(_ claimed: [OutboxRow], connection: PostgresConnection) throws(PostgresError)
        -> [OutboxRow]
    {
        guard !claimed.isEmpty else { return [] }
        var oldestClaimed: [Int64: Int64] = [:]
        for row in claimed where oldestClaimed[row.alertID] == nil { oldestClaimed[row.alertID] = row.id }
        let result = try connection.query(
            """
            SELECT alert_id, min(id) FROM outbox
            WHERE state = 'pending' AND alert_id = ANY($1::bigint[]) AND NOT (id = ANY($2::bigint[]))
            GROUP BY alert_id
            """,
            [.text(arrayText(oldestClaimed.keys.sorted())), .text(arrayText(claimed.map(\.id)))])
        var blocked: Set<Int64> = []
        for row in 0..<result.count {
            let alertID = result.int64(row, 0)
            if let oldest = oldestClaimed[alertID], result.int64(row, 1) < oldest { blocked.insert(alertID) }
        }
        return claimed.filter { !blocked.contains($0.alertID) }
    }

    private static func arrayText(_ ids: [Int64]) -> String {
        "{" + ids.map(String.init).joined(separator: ",") + "}"
    }

    func complete(ids: [Int64]) throws {
        try run { () throws(PostgresError) in
            try connection.query("DELETE FROM outbox WHERE id = ANY($1::bigint[])", [.text(Self.arrayText(ids))])
        }
    }

    func reject(id: Int64, error: String) throws {
        try run { () throws(PostgresError) in
            try connection.query(
                "UPDATE outbox SET state = 'rejected', error = $1 WHERE id = $2", [.text(error), .integer(id)])
        }
    }

    func release() throws {
        guard isOpen else { return }
        isOpen = false
        // A failed statement aborted the transaction: COMMIT would only roll it back, so say so.
        if failed {
            _ = try? connection.execute("ROLLBACK")
            throw LedgerError(location: location, message: "the outbox claim failed; its rows will be sent again")
        }
        do {
            try connection.execute("COMMIT")
        } catch {
            throw LedgerError(location: location, message: error.message)
        }
    }

    /// Runs one statement of the claim. Its failures never mark the ledger unreachable: the claim's
    /// connection is its own, and the next claim opens a new one if it is gone.
    private func run(_ body: () throws(PostgresError) -> Void) throws {
        guard isOpen else {
            throw LedgerError(location: location, message: "the outbox claim was released")
        }
        do {
            try body()
        } catch {
            failed = true
            throw LedgerError(location: location, message: error.message)
        }
    }
}
