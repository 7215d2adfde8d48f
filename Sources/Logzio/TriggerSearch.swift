import Alerts

/// One `POST /v1/search` request for the latest logged trigger of at most 500 alert definitions:
///
/// ```json
/// {"size": 0,
///  "query": {"bool": {"filter": [{"query_string": {"query": "logzio-alert-definition-id:(123 OR 456)"}}]}},
///  "aggs": {"definitions": {"terms": {"field": "logzio-alert-definition-id", "size": 500},
///                           "aggs": {"last": {"max": {"field": "@timestamp"}}}}}}
/// ```
///
/// The body is built as a JSON value, so the field and the extra query reach Logz.io exactly as
/// configured, escaped as JSON strings. In the Lucene clause the field is escaped for Lucene too (see
/// `luceneField(_:)`); the extra query is Lucene text the operator wrote, ANDed in parentheses and not
/// escaped.
struct TriggerSearch: Sendable, Equatable {
    /// The definition ids, at most `LogzioClient.maxIDsPerSearch`, none negative.
    let ids: [Int64]
    /// The field of the trigger log that holds the definition id (`logzio.evidence_field`).
    let field: String
    /// Lucene text ANDed to the id clause (`logzio.evidence_query`); nil or blank for none.
    let query: String?

    /// The ids worth searching for, in as few chunks of at most `size` as possible: repeats and negative
    /// ids (never a definition's, and a Lucene `NOT` in the clause) are dropped, and the order is kept.
    static func chunks(of ids: [Int64], size: Int) -> [[Int64]] {
        var seen = Set<Int64>()
        let wanted = ids.filter { $0 >= 0 && seen.insert($0).inserted }
        return stride(from: 0, to: wanted.count, by: max(size, 1)).map {
            Array(wanted[$0..<min($0 + max(size, 1), wanted.count)])
        }
    }

    /// The Lucene text of the query: `field:(1 OR 2)`, then ` AND (query)` when there is a query.
    var queryString: String {
        let clause = "\(Self.luceneField(field)):(\(ids.map(String.init).joined(separator: " OR ")))"
        guard let query, query.contains(where: { !$0.isWhitespace }) else { return clause }
        return clause + " AND (\(query))"
    }

    /// The request body as a JSON value.
    var json: JSONObject {
        let filter = JSONObject([("query_string", .object(JSONObject([("query", .string(queryString))])))])
        let last = JSONObject([("max", .object(JSONObject([("field", .string("@timestamp"))])))])
        let definitions = JSONObject([
            (
                "terms",
                .object(
                    JSONObject([
                        ("field", .string(field)), ("size", .integer(Int64(LogzioClient.maxIDsPerSearch))),
                    ]))
            ),
            ("aggs", .object(JSONObject([("last", .object(last))]))),
        ])
        return JSONObject([
            ("size", .integer(0)),
            ("query", .object(JSONObject([("bool", .object(JSONObject([("filter", .array([.object(filter)]))])))]))),
            ("aggs", .object(JSONObject([("definitions", .object(definitions))]))),
        ])
    }

    /// The request body as bytes.
    var body: [UInt8] {
        var out: [UInt8] = []
        json.write(to: &out)
        return out
    }

    /// A field name as a Lucene `query_string` term: every character but ASCII letters, digits, `_`, `.`,
    /// `@`, and `-` after the first, gets a backslash.
    ///
    /// Lucene's classic parser, which `query_string` extends, unescapes a field name, so an escaped field
    /// names the same field as `terms.field`; escaping keeps a space, `:`, `(`, `*` or `\` in a field from
    /// changing the query's meaning. Ordinary field names, the default `logzio-alert-definition-id`
    /// among them, are written as they are (`-` inside a term is part of it).
    static func luceneField(_ field: String) -> String {
        var escaped = ""
        for (offset, character) in field.enumerated() {
            let plain =
                character.isASCII
                && (character.isLetter || character.isNumber || "_.@".contains(character)
                    || (character == "-" && offset > 0))
            if !plain { escaped.append("\\") }
            escaped.append(character)
        }
        return escaped
    }
}
