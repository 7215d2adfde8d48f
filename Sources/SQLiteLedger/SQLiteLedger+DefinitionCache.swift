public import Ledger

extension SQLiteLedger: DefinitionCache {
    public func storeDefinitions(_ text: String, ids: [Int64], fetchedAt: Int64) throws {
        let database = try writable()
        try database.transaction {
            try database.statement(
                """
                INSERT INTO logzio_definitions (singleton, fetched_at, definitions) VALUES (1, ?1, ?2)
                ON CONFLICT (singleton) DO UPDATE SET fetched_at = excluded.fetched_at, definitions = excluded.definitions
                """
            ).run([.integer(fetchedAt), .text(text)])
            for id in ids {
                try database.statement(
                    "INSERT INTO logzio_listed_ids (id, first_listed_at) VALUES (?, ?) ON CONFLICT (id) DO NOTHING"
                ).run([.integer(id), .integer(fetchedAt)])
            }
        }
    }

    public func cachedDefinitions() throws -> (text: String, fetchedAt: Int64)? {
        let statement = try database.statement(
            "SELECT definitions, fetched_at FROM logzio_definitions WHERE singleton = 1")
        defer { statement.reset() }
        guard try statement.step() else { return nil }
        return (statement.text(0), statement.int64(1))
    }

    public func everListedDefinitionIDs() throws -> Set<Int64> {
        let statement = try database.statement("SELECT id FROM logzio_listed_ids")
        defer { statement.reset() }
        var ids: Set<Int64> = []
        while try statement.step() { ids.insert(statement.int64(0)) }
        return ids
    }
}
