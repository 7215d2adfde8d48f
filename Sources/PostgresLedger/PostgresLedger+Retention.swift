public import Ledger
import Postgres

extension PostgresLedger: Retention {
    public func prune(before cutoff: Int64, dryRun: Bool) throws -> PruneResult {
        if !dryRun { _ = try writable() }
        let eventsWhere = """
            FROM events WHERE received_at < $1
              AND id NOT IN (SELECT current_event_id FROM alerts)
              AND id NOT IN (SELECT event_id FROM resolutions WHERE sent_at >= $1)
              AND id NOT IN (SELECT event_id FROM outbox)
              AND alert_id IN (SELECT id FROM alerts WHERE state <> 'open')
            """
        let resolutionsWhere = """
            FROM resolutions WHERE sent_at < $1 AND alert_id IN (SELECT id FROM alerts WHERE state <> 'open')
            """
        if dryRun {
            return try guarded {
                let events = try connection.query("SELECT count(*) " + eventsWhere, [.integer(cutoff)])
                let resolutions = try connection.query("SELECT count(*) " + resolutionsWhere, [.integer(cutoff)])
                return PruneResult(events: Int(events.int64(0, 0)), resolutions: Int(resolutions.int64(0, 0)))
            }
        }
        return try writing { connection in
            let resolutions = try connection.query("DELETE " + resolutionsWhere, [.integer(cutoff)]).affected
            let events = try connection.query("DELETE " + eventsWhere, [.integer(cutoff)]).affected
            return PruneResult(events: events, resolutions: resolutions)
        }
    }

    /// Does nothing on PostgreSQL but check that the ledger may write: autovacuum reuses the space
    /// `prune` frees, and a full `VACUUM` would lock the tables every host shares.
    public func vacuum(incremental: Bool) throws {
        _ = try writable()
    }
}
