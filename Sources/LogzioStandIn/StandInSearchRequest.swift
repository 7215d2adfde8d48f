import Alerts

/// A trigger log search as the stand-in reads it from a `POST /v1/search` body: Elasticsearch's query
/// DSL, of the one shape the resolver sends (see SPEC.md, "Evidence: Logz.io's trigger log").
///
/// It refuses, as Logz.io answers a body Elasticsearch cannot run (400), anything else: a `size` other
/// than 0, a filter that is not one `query_string`, a clause that is not `field:(1 OR 2 …)` (optionally
/// followed by ` AND (…)`), a clause field other than `terms.field`, a `terms.size` outside 1…1000 (the
/// Search API's bucket limit), or a sub-aggregation other than `last: max(@timestamp)`.
struct StandInSearchRequest {
    /// The body as received.
    let json: JSONObject
    /// The ids in the clause, in order.
    let ids: [Int64]
    /// The aggregation's field, which the clause's field matches once unescaped.
    let field: String
    /// The most buckets to answer.
    let bucketLimit: Int
    /// The Lucene text ANDed to the id clause, if any.
    let extraQuery: String?

    /// Why a body was refused, for the 400's message.
    struct Refusal: Error {
        let message: String
    }

    /// Reads a request body.
    init(body: [UInt8]) throws(Refusal) {
        let value: JSONValue
        do {
            value = try JSONParser.parse(body)
        } catch {
            throw Refusal(message: "Failed to parse the request body: \(error.description)")
        }
        guard let json = value.objectValue else { throw Refusal(message: "The request body must be an object") }
        guard json["size"]?.integerValue == 0 else { throw Refusal(message: "size must be 0 for an aggregation") }
        guard case .array(let filters)? = Self.path(JSONValue.object(json), "query", "bool", "filter"),
            filters.count == 1,
            case .string(let clause)? = Self.path(filters[0], "query_string", "query")
        else { throw Refusal(message: "query.bool.filter must hold one query_string") }
        let definitions = Self.path(JSONValue.object(json), "aggs", "definitions")
        guard case .string(let field)? = Self.path(definitions, "terms", "field"),
            let size = Self.path(definitions, "terms", "size")?.integerValue
        else { throw Refusal(message: "aggs.definitions must be a terms aggregation with a field and a size") }
        guard (1...1_000).contains(size) else { throw Refusal(message: "terms.size must be from 1 to 1000") }
        guard Self.path(definitions, "aggs", "last", "max", "field") == .string("@timestamp"),
            Self.path(definitions, "aggs")?.objectValue?.count == 1
        else { throw Refusal(message: "aggs.definitions.aggs must be last: max of @timestamp") }
        let parsed = try Self.parseClause(clause)
        guard parsed.field == field else {
            throw Refusal(message: "the query's field \(parsed.field) is not the aggregation's field \(field)")
        }
        self.json = json
        self.field = field
        ids = parsed.ids
        bucketLimit = Int(size)
        extraQuery = parsed.extra
    }

    /// Reads `field:(1 OR 2 …)` with an optional ` AND (…)` after it; the field's backslash escapes are
    /// undone, as Lucene's parser does.
    static func parseClause(_ clause: String) throws(Refusal) -> (field: String, ids: [Int64], extra: String?) {
        var field = ""
        var rest = Substring(clause)
        var escaped = false
        while let character = rest.first {
            rest = rest.dropFirst()
            if escaped {
                field.append(character)
                escaped = false
            } else if character == "\\" {
                escaped = true
            } else if character == ":" {
                break
            } else {
                field.append(character)
            }
        }
        guard !field.isEmpty, rest.first == "(", let close = rest.firstIndex(of: ")") else {
            throw Refusal(message: "query_string must be field:(id OR id …), not \(clause)")
        }
        let terms = rest[rest.index(after: rest.startIndex)..<close].split(
            separator: " OR ", omittingEmptySubsequences: false)
        var ids: [Int64] = []
        for term in terms {
            guard !term.isEmpty, term.utf8.allSatisfy({ $0 >= 0x30 && $0 <= 0x39 }), let id = Int64(term) else {
                throw Refusal(message: "\(term) in the query is not a definition id")
            }
            ids.append(id)
        }
        let tail = rest[rest.index(after: close)...]
        guard !tail.isEmpty else { return (field, ids, nil) }
        guard tail.hasPrefix(" AND ("), tail.hasSuffix(")"), tail.count > " AND ()".count else {
            throw Refusal(message: "text after the id clause must be AND (…), not \(tail)")
        }
        return (field, ids, String(tail.dropFirst(" AND (".count).dropLast()))
    }

    private static func path(_ value: JSONValue?, _ keys: String...) -> JSONValue? {
        var current = value
        for key in keys { current = current?.objectValue?[key] }
        return current
    }
}
