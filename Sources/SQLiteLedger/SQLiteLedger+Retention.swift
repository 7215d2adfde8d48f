public import Ledger

extension SQLiteLedger: Retention {
    public func prune(before cutoff: Int64, dryRun: Bool) throws -> PruneResult {
        if !dryRun { _ = try writable() }
        let eventsWhere = """
            FROM events WHERE received_at < ?1
              AND id NOT IN (SELECT current_event_id FROM alerts)
              AND id NOT IN (SELECT event_id FROM resolutions WHERE sent_at >= ?1)
              AND id NOT IN (SELECT event_id FROM outbox)
              AND alert_id IN (SELECT id FROM alerts WHERE state <> 'open')
            """
        let resolutionsWhere = """
            FROM resolutions WHERE sent_at < ?1 AND alert_id IN (SELECT id FROM alerts WHERE state <> 'open')
            """
        func count(_ fromWhere: String) throws -> Int {
            let statement = try database.statement("SELECT count(*) " + fromWhere)
            try statement.bind([.integer(cutoff)])
            defer { statement.reset() }
            return try statement.step() ? Int(statement.int64(0)) : 0
        }
        if dryRun {
            return PruneResult(events: try count(eventsWhere), resolutions: try count(resolutionsWhere))
        }
        return try database.transaction {
            try database.statement("DELETE " + resolutionsWhere).run([.integer(cutoff)])
            let resolutions = database.changes
            try database.statement("DELETE " + eventsWhere).run([.integer(cutoff)])
            return PruneResult(events: database.changes, resolutions: resolutions)
        }
    }

    public func vacuum(incremental: Bool) throws {
        let database = try writable()
        try database.execute(incremental ? "PRAGMA incremental_vacuum" : "VACUUM")
    }
}
