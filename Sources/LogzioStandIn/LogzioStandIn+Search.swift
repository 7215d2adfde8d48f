public import Alerts
import StandInHTTP
import Synchronization

extension LogzioStandIn {
    /// Logs a trigger of definition `definitionID` at `seconds` (epoch) plus `milliseconds`, as Logz.io
    /// writes one to the account each time the alert's condition is met. Several per definition may be
    /// logged; a search reports the latest it sees.
    public func logTrigger(definitionID: Int64, at seconds: Int64, milliseconds: Int64 = 0) {
        state.withLock { $0.triggers[definitionID, default: []].append(seconds * 1_000 + milliseconds) }
    }

    /// Writes `last.value` as Java writes a double (`1.7335296E12`), as Elasticsearch does, instead of
    /// as an integer.
    public func setWritesExponentForm(_ on: Bool) {
        state.withLock { $0.writesExponentForm = on }
    }

    /// Writes bucket keys as strings (`"123"`, a keyword field) instead of numbers.
    public func setWritesStringKeys(_ on: Bool) {
        state.withLock { $0.writesStringKeys = on }
    }

    /// Answers searches without `aggregations`, as Elasticsearch answers a search that asked for none.
    public func setOmitsAggregation(_ on: Bool) {
        state.withLock { $0.omitsAggregation = on }
    }

    /// How many requests to `/v1/search` the stand-in answered itself, refused ones included (a scripted
    /// reply takes a request's place before the stand-in sees it).
    public var searchCount: Int { state.withLock { $0.searchCount } }

    /// The ids of each search it accepted, in the order sent.
    public var searchRequests: [[Int64]] { state.withLock { $0.searchRequests } }

    /// The body of each search it accepted, parsed.
    public var searchBodies: [JSONObject] { state.withLock { $0.searchBodies } }

    /// Answers a `POST /v1/search` whose token passed: 415 for a body that is not declared JSON, 400 for
    /// one of another shape, else the latest trigger of each asked definition that has one in the window.
    ///
    /// Like Logz.io's Search API, it sees today and yesterday (UTC): triggers from the start of yesterday
    /// to now.
    func answerSearch(_ request: StandInRequest) -> StandInResponse {
        guard Self.isJSON(request.header("Content-Type")) else {
            // A JSON API answers a body in a media type it does not consume with 415.
            return refuse(415, "Unsupported Media Type: Content-Type must be application/json")
        }
        let search: StandInSearchRequest
        do {
            search = try StandInSearchRequest(body: request.body)
        } catch {
            return refuse(400, error.message)
        }
        let now = clock()
        let from = (now >= 0 ? now / 86_400 : (now - 86_399) / 86_400) * 86_400 - 86_400
        let window = (from * 1_000)...(now * 1_000 + 999)
        let (found, form) = state.withLock { state in
            state.searchRequests.append(search.ids)
            state.searchBodies.append(search.json)
            var found: [Bucket] = []
            for id in Set(search.ids) {
                let seen = (state.triggers[id] ?? []).filter(window.contains)
                if let last = seen.max() { found.append(Bucket(id: id, count: seen.count, last: last)) }
            }
            return (
                found,
                Form(
                    stringKeys: state.writesStringKeys, exponent: state.writesExponentForm,
                    omitsAggregation: state.omitsAggregation)
            )
        }
        return .json(200, Self.searchAnswer(found, limit: search.bucketLimit, form: form).serialized())
    }

    /// One definition's triggers in the window.
    struct Bucket {
        var id: Int64
        var count: Int
        /// The latest, in epoch milliseconds.
        var last: Int64
    }

    /// How the answer is written.
    struct Form {
        var stringKeys: Bool
        var exponent: Bool
        var omitsAggregation: Bool
    }

    /// Elasticsearch's answer to the aggregation: the buckets with the most triggers first, then the
    /// smaller key, at most `limit` of them.
    static func searchAnswer(_ found: [Bucket], limit: Int, form: Form) -> JSONObject {
        let ordered = found.sorted { ($0.count, -$0.id) > ($1.count, -$1.id) }
        let total = found.reduce(0) { $0 + $1.count }
        let hits = JSONObject([("total", .integer(Int64(total))), ("max_score", .null), ("hits", .array([]))])
        var answer = JSONObject([("took", .integer(3)), ("timed_out", .bool(false)), ("hits", .object(hits))])
        guard !form.omitsAggregation else { return answer }
        let buckets = ordered.prefix(limit).map { bucket in
            let last = JSONObject([
                ("value", .number(valueText(bucket.last, exponent: form.exponent))),
                ("value_as_string", .string(iso8601(milliseconds: bucket.last))),
            ])
            return JSONValue.object(
                JSONObject([
                    ("key", form.stringKeys ? .string(String(bucket.id)) : .integer(bucket.id)),
                    ("doc_count", .integer(Int64(bucket.count))), ("last", .object(last)),
                ]))
        }
        let other = ordered.dropFirst(limit).reduce(0) { $0 + $1.count }
        let definitions = JSONObject([
            ("doc_count_error_upper_bound", .integer(0)), ("sum_other_doc_count", .integer(Int64(other))),
            ("buckets", .array(buckets)),
        ])
        answer["aggregations"] = .object(JSONObject([("definitions", .object(definitions))]))
        return answer
    }

    /// Whether a Content-Type names JSON, parameters such as `charset` aside.
    static func isJSON(_ contentType: String?) -> Bool {
        guard let contentType else { return false }
        let isBlank: (Character) -> Bool = { $0 == " " || $0 == "\t" }
        let mediaType = (contentType.split(separator: ";", maxSplits: 1).first ?? "").drop(while: isBlank)
        return String(mediaType.reversed().drop(while: isBlank).reversed()).lowercased() == "application/json"
    }

    /// Epoch milliseconds as an integer, or as Java's `Double.toString` writes them from 10^7 up:
    /// `1733529600000` is `1.7335296E12`.
    static func valueText(_ milliseconds: Int64, exponent: Bool) -> String {
        let digits = String(milliseconds)
        guard exponent, milliseconds >= 10_000_000 else { return exponent ? digits + ".0" : digits }
        var significant = Substring(digits)
        while significant.hasSuffix("0") { significant = significant.dropLast() }
        let fraction = significant.dropFirst()
        return "\(significant.prefix(1)).\(fraction.isEmpty ? "0" : fraction)E\(digits.count - 1)"
    }

    /// Epoch milliseconds as Elasticsearch's `value_as_string`: `2024-12-07T00:00:00.000Z`.
    static func iso8601(milliseconds: Int64) -> String {
        let seconds = milliseconds >= 0 ? milliseconds / 1_000 : (milliseconds - 999) / 1_000
        let fraction = String(milliseconds - seconds * 1_000)
        return String(EpochTime.iso8601(seconds).dropLast()) + "."
            + String(repeating: "0", count: 3 - fraction.count) + fraction + "Z"
    }
}
