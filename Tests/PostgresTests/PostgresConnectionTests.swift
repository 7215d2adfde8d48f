import Foundation
import Postgres
import TestSupport
import Testing

@Suite struct PostgresConnectionStringTests {
    @Test(arguments: [
        ("postgres://app:secret@db.example/ledger", true),
        ("postgresql://app:s3cr%40t@db/ledger?sslmode=require", true),
        ("postgres://db/ledger?user=app&password=secret", true),
        ("host=db dbname=ledger password=secret", true),
        ("host=db dbname=ledger password = 'a b'", true),
        ("postgres://app@db.example:5432/ledger?sslmode=verify-full", false),
        ("postgresql:///ledger?host=/var/run/postgresql", false),
        ("host=db dbname=ledger user=app passfile=/etc/pgpass", false),
        ("service=ledger", false),
    ])
    func passwordsAreRefusedWithoutRepeatingThem(text: String, refused: Bool) {
        do {
            let parsed = try PostgresConnectionString(text)
            #expect(!refused, "accepted \(parsed)")
        } catch {
            #expect(refused, "refused \(text)")
            #expect(!error.description.contains("secret") && !error.description.contains("s3cr"))
            #expect(error.description.contains("PGPASSWORD"))
        }
    }

    @Test func onlyPostgresStringsArePostgres() {
        #expect(PostgresConnectionString.isPostgres("postgres://db/x"))
        #expect(PostgresConnectionString.isPostgres("POSTGRESQL://db/x"))
        #expect(PostgresConnectionString.isPostgres("dbname=x"))
        #expect(!PostgresConnectionString.isPostgres("./logzio-resolver.sqlite"))
        #expect(!PostgresConnectionString.isPostgres("/var/lib/host=x.sqlite"))
    }
}

@Suite(.timingSensitive) struct PostgresConnectionTests {
    /// SPEC.md "Shared ledger": no superuser is needed. The suite's PostgreSQL tests prove it only if they
    /// run as a role without SUPERUSER (Scripts/test-postgres.sh makes one, with CREATEDB): every test
    /// that writes a ledger then creates its schema as the owner of its database, nothing more.
    @Test func theSuiteRunsAsARoleWithoutSuperuserThatOwnsItsDatabases() throws {
        guard let conninfo = try PostgresTestServer.freshDatabase() else { return }
        let connection = try PostgresConnection(try PostgresConnectionString(conninfo))
        let role = try connection.query(
            """
            SELECT r.rolsuper, r.rolcreaterole, r.rolbypassrls, d.datdba = r.oid
            FROM pg_roles r, pg_database d WHERE r.rolname = current_user AND d.datname = current_database()
            """)
        try #require(role.count == 1)
        #expect(!role.bool(0, 0), "the tests connect as a superuser: \(conninfo)")
        #expect(!role.bool(0, 1) && !role.bool(0, 2), "the tests' role has more than CREATEDB")
        #expect(role.bool(0, 3), "the tests' role owns the database it created")
    }

    @Test func preparedQueriesTransactionsAndSessionLocks() throws {
        guard let conninfo = try PostgresTestServer.freshDatabase() else { return }
        let connection = try PostgresConnection(try PostgresConnectionString(conninfo))
        try connection.execute("CREATE TABLE t (id BIGINT PRIMARY KEY, name TEXT, score DOUBLE PRECISION)")
        for id in 1...3 {
            try connection.query(
                "INSERT INTO t (id, name, score) VALUES ($1, $2, $3)",
                [.integer(Int64(id)), id == 2 ? .null : .text("n\(id)"), .real(Double(id) / 2)])
        }
        let rows = try connection.query("SELECT id, name, score FROM t WHERE id >= $1 ORDER BY id", [.integer(2)])
        #expect(rows.count == 2)
        #expect(rows.int64(0, 0) == 2)
        #expect(rows.optionalText(0, 1) == nil)
        #expect(rows.text(1, 1) == "n3")
        #expect(rows.double(1, 2) == 1.5)
        #expect(try connection.query("UPDATE t SET name = $1 WHERE id > $2", [.text("x"), .integer(1)]).affected == 2)

        struct Boom: Error {}
        #expect(throws: Boom.self) {
            try connection.transaction {
                try connection.query("DELETE FROM t")
                throw Boom()
            }
        }
        #expect(try connection.query("SELECT count(*) FROM t").int64(0, 0) == 3, "rolled back")

        // A session advisory lock is exclusive, and released when its connection ends.
        let lock = "SELECT pg_try_advisory_lock($1)"
        #expect(try connection.query(lock, [.integer(42)]).bool(0, 0))
        var other: PostgresConnection? = try PostgresConnection(try PostgresConnectionString(conninfo))
        #expect(try other?.query(lock, [.integer(42)]).bool(0, 0) == false)
        other = nil
        let third = try PostgresConnection(try PostgresConnectionString(conninfo))
        #expect(try third.query(lock, [.integer(42)]).bool(0, 0) == false, "still held by the first")
        _ = connection
    }

    @Test func errorsSayWhetherTheDatabaseIsUnreachableOrMisconfigured() throws {
        guard let conninfo = try PostgresTestServer.freshDatabase() else { return }
        do {
            _ = try PostgresConnection(try PostgresConnectionString("host=127.0.0.1 port=1 dbname=x"))
            Issue.record("connected to a closed port")
        } catch let error as PostgresError {
            #expect(error.isUnreachable)
        }
        do {
            _ = try PostgresConnection(
                try PostgresConnectionString(conninfo.replacingOccurrences(of: "dbname=t_", with: "dbname=missing_")))
            Issue.record("connected to a missing database")
        } catch let error as PostgresError {
            #expect(!error.isUnreachable)
            #expect(error.isConfiguration)
        }
        let connection = try PostgresConnection(try PostgresConnectionString(conninfo))
        do {
            try connection.query("SELECT * FROM nowhere")
            Issue.record("a missing table answered")
        } catch {
            #expect(error.sqlState == "42P01")
            #expect(!error.isUnreachable)
        }
    }
}
