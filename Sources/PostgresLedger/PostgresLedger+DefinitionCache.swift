public import Ledger
import Postgres

extension PostgresLedger: DefinitionCache {
    public func storeDefinitions(_ text: String, ids: [Int64], fetchedAt: Int64, account: String) throws {
        try writing { connection in
            try connection.query(
                """
                INSERT INTO logzio_definitions (account, fetched_at, definitions) VALUES ($1, $2, $3)
                ON CONFLICT (account) DO UPDATE SET fetched_at = excluded.fetched_at, definitions = excluded.definitions
                """,
                [.text(account), .integer(fetchedAt), .text(text)])
            // One statement for the ids, not a round trip each.
            try connection.query(
                """
                INSERT INTO logzio_listed_ids (account, id, first_listed_at)
                SELECT $1, id, $3 FROM unnest($2::bigint[]) AS listed(id)
                ON CONFLICT (account, id) DO NOTHING
                """,
                [.text(account), .text("{" + ids.map(String.init).joined(separator: ",") + "}"), .integer(fetchedAt)])
        }
    }

    public func cachedDefinitions(account: String) throws -> (text: String, fetchedAt: Int64)? {
        let result = try guarded {
            try connection.query(
                "SELECT definitions, fetched_at FROM logzio_definitions WHERE account = $1", [.text(account)])
        }
        guard result.count > 0 else { return nil }
        return (result.text(0, 0), result.int64(0, 1))
    }

    public func everListedDefinitionIDs(account: String) throws -> Set<Int64> {
        let result = try guarded {
            try connection.query("SELECT id FROM logzio_listed_ids WHERE account = $1", [.text(account)])
        }
        return Set((0..<result.count).map { result.int64($0, 0) })
    }
}
