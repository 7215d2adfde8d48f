public import Ledger
import Postgres

extension PostgresLedger: DefinitionCache {
    public func storeDefinitions(_ text: String, ids: [Int64], fetchedAt: Int64) throws {
        try writing { connection in
            try connection.query(
                """
                INSERT INTO logzio_definitions (singleton, fetched_at, definitions) VALUES (1, $1, $2)
                ON CONFLICT (singleton) DO UPDATE SET fetched_at = excluded.fetched_at, definitions = excluded.definitions
                """,
                [.integer(fetchedAt), .text(text)])
            for id in ids {
                try connection.query(
                    "INSERT INTO logzio_listed_ids (id, first_listed_at) VALUES ($1, $2) ON CONFLICT (id) DO NOTHING",
                    [.integer(id), .integer(fetchedAt)])
            }
        }
    }

    public func cachedDefinitions() throws -> (text: String, fetchedAt: Int64)? {
        let result = try guarded {
            try connection.query("SELECT definitions, fetched_at FROM logzio_definitions WHERE singleton = 1")
        }
        guard result.count > 0 else { return nil }
        return (result.text(0, 0), result.int64(0, 1))
    }

    public func everListedDefinitionIDs() throws -> Set<Int64> {
        let result = try guarded { try connection.query("SELECT id FROM logzio_listed_ids") }
        return Set((0..<result.count).map { result.int64($0, 0) })
    }
}
