import Postgres
import TestSupport
import Testing

/// What the bulk paths of the libpq layer promise: binary `COPY` rows and array parameters carry any text
/// unchanged, a `COPY` left going is finished (and its failure reported) by the next statement, and a
/// pipeline runs its statements in order and stops at the first that fails.
@Suite struct PostgresBulkTests {
    /// Texts that would need escaping in `COPY`'s text format, and do in array literals.
    static let awkwardTexts = [
        "", "plain", "tab\there", "new\nline", "carriage\rreturn", #"back\slash"#, #"\N"#, #"quote " and 'single'"#,
        "{braces},commas", "NULL", "ünïcödé ✓", #"{"json":"with \"escapes\"\n"}"#, "trailing\\",
    ]

    @Test func copyStoresAnyTextAndIntegerAndNull() throws {
        guard let conninfo = try PostgresTestServer.freshDatabase() else { return }
        let connection = try PostgresConnection(try PostgresConnectionString(conninfo))
        try connection.execute("CREATE TABLE t (id BIGINT PRIMARY KEY, n BIGINT, body TEXT)")
        var rows = PostgresCopyRows()
        let numbers: [Int64?] = [0, -1, 42, .max, .min, nil, 1_790_000_000, 9, 10, -10, 100, nil, 7]
        for (index, text) in Self.awkwardTexts.enumerated() {
            rows.append(Int64(index))
            rows.append(.optional(numbers[index]))
            rows.append(text)
            rows.endRow()
        }
        rows.append(Int64(Self.awkwardTexts.count))
        rows.append(.null)
        rows.append(utf8: Array("bytes\twith\\escapes".utf8))
        rows.endRow()
        #expect(rows.count == Self.awkwardTexts.count + 1)
        #expect(
            try connection.copy("COPY t (id, n, body) FROM STDIN (FORMAT binary)", rows) == Self.awkwardTexts.count + 1)
        let stored = try connection.query("SELECT id, n, body FROM t ORDER BY id")
        #expect(stored.count == Self.awkwardTexts.count + 1)
        for (index, text) in Self.awkwardTexts.enumerated() {
            #expect(stored.text(index, 2) == text)
            #expect(stored.optionalInt64(index, 1) == numbers[index])
        }
        #expect(stored.text(Self.awkwardTexts.count, 2) == "bytes\twith\\escapes")
        #expect(stored.isNull(Self.awkwardTexts.count, 1))
    }

    @Test func aCopyLeftGoingIsFinishedByTheNextStatement() throws {
        guard let conninfo = try PostgresTestServer.freshDatabase() else { return }
        let connection = try PostgresConnection(try PostgresConnectionString(conninfo))
        try connection.execute("CREATE TABLE t (id BIGINT PRIMARY KEY, body TEXT)")
        var rows = PostgresCopyRows()
        for id in 1...5000 {
            rows.append(Int64(id))
            rows.append(String(repeating: "x", count: 1000))
            rows.endRow()
        }
        let inserted = try connection.transaction {
            try connection.startCopy("COPY t (id, body) FROM STDIN (FORMAT binary)", rows)
            connection.sendPending()
            return try connection.query("SELECT count(*) FROM t").int64(0, 0)
        }
        #expect(inserted == 5000)

        // A refused row fails the COPY, and the next statement reports it; the transaction rolls back.
        var bad = PostgresCopyRows()
        bad.append(Int64(6000))
        bad.append("fine")
        bad.endRow()
        bad.append(Int64(1))
        bad.append("a duplicate key")
        bad.endRow()
        #expect(throws: PostgresError.self) {
            try connection.transaction {
                try connection.startCopy("COPY t (id, body) FROM STDIN (FORMAT binary)", bad)
                try connection.query("SELECT 1")
            }
        }
        #expect(try connection.query("SELECT count(*) FROM t").int64(0, 0) == 5000, "usable, and rolled back")
        #expect(throws: PostgresError.self) { try connection.copy("COPY t (id, body) FROM STDIN (FORMAT binary)", bad) }
        #expect(try connection.query("SELECT count(*) FROM t WHERE id = 6000").int64(0, 0) == 0)
    }

    @Test func arrayParametersCarryAnyText() throws {
        guard let conninfo = try PostgresTestServer.freshDatabase() else { return }
        let connection = try PostgresConnection(try PostgresConnectionString(conninfo))
        let texts: [String?] = Self.awkwardTexts + [nil]
        let unnested = try connection.query(
            "SELECT t, t IS NULL FROM unnest($1::text[]) WITH ORDINALITY AS u(t, n) ORDER BY n", [.array(texts)])
        #expect(unnested.count == texts.count)
        for (index, text) in texts.enumerated() {
            #expect(unnested.optionalText(index, 0) == text)
        }
        let numbers: [Int64] = [3, -2, .max, .min, 0]
        let sum = try connection.query(
            "SELECT count(*), min(n), max(n) FROM unnest($1::bigint[]) AS u(n)", [.array(numbers)])
        #expect(sum.int64(0, 0) == 5)
        #expect(sum.text(0, 1) == String(Int64.min))
        #expect(sum.text(0, 2) == String(Int64.max))
        let optional = try connection.query(
            "SELECT count(n), count(*) FROM unnest($1::bigint[]) AS u(n)", [.array([1, nil, 3] as [Int64?])])
        #expect(optional.int64(0, 0) == 2)
        #expect(optional.int64(0, 1) == 3)
        #expect(try connection.query("SELECT cardinality($1::bigint[])", [.array([Int64]())]).int64(0, 0) == 0)
    }

    @Test func aPipelineRunsInOrderAndStopsAtTheFirstFailure() throws {
        guard let conninfo = try PostgresTestServer.freshDatabase() else { return }
        let connection = try PostgresConnection(try PostgresConnectionString(conninfo))
        try connection.execute("CREATE TABLE t (id BIGINT PRIMARY KEY, body TEXT)")
        let insert = "INSERT INTO t (id, body) VALUES ($1, $2) RETURNING id"
        let results = try connection.pipeline([
            ("BEGIN", []), (insert, [.integer(1), .text("a")]), (insert, [.integer(2), .text("b")]),
            ("SELECT count(*) FROM t", []), ("COMMIT", []),
        ])
        #expect(results.count == 5)
        #expect(results[2].int64(0, 0) == 2)
        #expect(results[3].int64(0, 0) == 2)

        do {
            try connection.pipeline([
                ("BEGIN", []), (insert, [.integer(3), .text("c")]), (insert, [.integer(1), .text("duplicate")]),
                (insert, [.integer(4), .text("never run")]), ("COMMIT", []),
            ])
            Issue.record("a duplicate key went in")
        } catch {
            #expect(error.sqlState == "23505")
        }
        // The transaction the pipeline began failed: the caller rolls it back, and nothing of it stays.
        try connection.execute("ROLLBACK")
        let ids = try connection.query("SELECT id FROM t ORDER BY id")
        #expect((0..<ids.count).map { ids.int64($0, 0) } == [1, 2])
    }
}
