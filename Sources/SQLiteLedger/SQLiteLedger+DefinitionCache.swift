public import Ledger

extension SQLiteLedger: DefinitionCache {
    public func storeDefinitions(_ text: String, ids: [Int64], fetchedAt: Int64, account: String) throws {
        let database = try writable()
        try database.transaction {
            try database.statement(
                """
                INSERT INTO logzio_definitions (account, fetched_at, definitions) VALUES (?1, ?2, ?3)
                ON CONFLICT (account) DO UPDATE SET fetched_at = excluded.fetched_at, definitions = excluded.definitions
                """
            ).run([.text(account), .integer(fetchedAt), .text(text)])
            for id in ids {
                try database.statement(
                    """
                    INSERT INTO logzio_listed_ids (account, id, first_listed_at) VALUES (?1, ?2, ?3)
                    ON CONFLICT (account, id) DO NOTHING
                    """
                ).run([.text(account), .integer(id), .integer(fetchedAt)])
            }
        }
    }

    public func cachedDefinitions(account: String) throws -> (text: String, fetchedAt: Int64)? {
        let statement = try database.statement(
            "SELECT definitions, fetched_at FROM logzio_definitions WHERE account = ?")
        try statement.bind([.text(account)])
        defer { statement.reset() }
        guard try statement.step() else { return nil }
        return (statement.text(0), statement.int64(1))
    }

    public func everListedDefinitionIDs(account: String) throws -> Set<Int64> {
        let statement = try database.statement("SELECT id FROM logzio_listed_ids WHERE account = ?")
        try statement.bind([.text(account)])
        defer { statement.reset() }
        var ids: Set<Int64> = []
        while try statement.step() { ids.insert(statement.int64(0)) }
        return ids
    }
}
