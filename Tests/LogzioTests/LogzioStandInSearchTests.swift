import Alerts
import Curl
import TestSupport
import Testing

@testable import LogzioStandIn

/// The stand-in's `POST /v1/search` refuses what Logz.io would, and reads only the body shape the resolver
/// sends.
@Suite(.timingSensitive) struct LogzioStandInSearchTests {
    static let token = "stand-in-search-token-64d2"

    /// A body as the client builds it, with the parts a case changes.
    static func body(
        size: String = "0", clause: String = "logzio-alert-definition-id:(1 OR 2)",
        field: String = "logzio-alert-definition-id", termsSize: String = "500", metric: String = "@timestamp"
    ) -> String {
        #"{"size":\#(size),"query":{"bool":{"filter":[{"query_string":{"query":"\#(clause)"}}]}},"#
            + #""aggs":{"definitions":{"terms":{"field":"\#(field)","size":\#(termsSize)},"#
            + #""aggs":{"last":{"max":{"field":"\#(metric)"}}}}}}"#
    }

    static let cases: [(String, String, String, String?, String, Int)] = [
        ("accepted", "POST", token, "application/json", body(), 200),
        ("charset", "POST", token, "Application/JSON; charset=utf-8", body(), 200),
        ("extra query", "POST", token, "application/json", body(clause: "f:(2 OR 1) AND (a:b)", field: "f"), 200),
        ("GET", "GET", token, "application/json", body(), 405),
        ("no token", "POST", "", "application/json", body(), 401),
        ("wrong token", "POST", "nope-nope", "application/json", body(), 401),
        ("no content type", "POST", token, nil, body(), 415),
        ("text", "POST", token, "text/plain", body(), 415),
        ("not JSON", "POST", token, "application/json", "size=0", 400),
        ("hits asked", "POST", token, "application/json", body(size: "10"), 400),
        ("other field", "POST", token, "application/json", body(field: "alert_id"), 400),
        ("not ids", "POST", token, "application/json", body(clause: "logzio-alert-definition-id:(1 OR x)"), 400),
        ("no ids", "POST", token, "application/json", body(clause: "logzio-alert-definition-id:()"), 400),
        ("no clause", "POST", token, "application/json", body(clause: "*"), 400),
        ("bad tail", "POST", token, "application/json", body(clause: "logzio-alert-definition-id:(1) OR x"), 400),
        ("too many buckets", "POST", token, "application/json", body(termsSize: "1001"), 400),
        ("other metric", "POST", token, "application/json", body(metric: "received"), 400),
    ]

    @Test(arguments: cases)
    func checksSearchRequests(
        _ name: String, method: String, token: String, contentType: String?, body: String, status: Int
    ) async throws {
        let standIn = LogzioStandIn(token: Self.token, clock: { 1_733_533_200 })
        standIn.logTrigger(definitionID: 2, at: 1_733_533_000)
        let server = try StandInLoopback(serving: standIn)
        let curl = try CurlClient(options: CurlClientOptions(userAgent: "stand-in-test"))
        defer {
            curl.shutdown()
            server.stop()
        }
        var headers = token.isEmpty ? [] : [HTTPHeader("X-API-TOKEN", token)]
        if let contentType { headers.append(HTTPHeader("Content-Type", contentType)) }
        let response = try await curl.send(
            HTTPRequest(method: method, url: server.baseURL + "/v1/search", headers: headers, body: Array(body.utf8)))
        #expect(response.status == status, "\(name)")
        #expect(standIn.rejections.count == (status == 200 ? 0 : 1), "\(name)")
        #expect(standIn.searchCount == 1, "\(name)")
        #expect(standIn.searchRequests.count == (status == 200 ? 1 : 0), "\(name)")
        guard status == 200 else { return }
        let answer = try JSONParser.parse(response.body)
        let buckets = answer.objectValue?["aggregations"]?.objectValue?["definitions"]?.objectValue?["buckets"]
        let expected = try JSONParser.parse(
            #"[{"key":2,"doc_count":1,"last":{"value":1733533000000,"value_as_string":"2024-12-07T00:56:40.000Z"}}]"#)
        #expect(buckets == expected, "\(name)")
    }

    /// Sends a well-formed search for `body` to `standIn` over the loopback server and returns the answer's
    /// `aggregations.definitions`, or nil when it has none.
    static func search(_ standIn: LogzioStandIn, body: String) async throws -> JSONObject? {
        let server = try StandInLoopback(serving: standIn)
        let curl = try CurlClient(options: CurlClientOptions(userAgent: "stand-in-test"))
        defer {
            curl.shutdown()
            server.stop()
        }
        let response = try await curl.send(
            HTTPRequest(
                url: server.baseURL + "/v1/search",
                headers: [HTTPHeader("X-API-TOKEN", Self.token), HTTPHeader("Content-Type", "application/json")],
                body: Array(body.utf8)))
        #expect(response.status == 200)
        return try JSONParser.parse(response.body).objectValue?["aggregations"]?.objectValue?["definitions"]?
            .objectValue
    }

    @Test func bucketsComeInElasticsearchOrderUpToTheSize() async throws {
        let standIn = LogzioStandIn(token: Self.token, clock: { 1_733_533_200 })
        for (id, count) in [(1 as Int64, 1), (2, 3), (3, 2), (4, 3)] {
            for offset in 0..<count { standIn.logTrigger(definitionID: id, at: 1_733_530_000 + Int64(offset)) }
        }
        let answer = try await Self.search(
            standIn, body: Self.body(clause: "logzio-alert-definition-id:(1 OR 2 OR 3 OR 4)", termsSize: "3"))
        guard case .array(let buckets)? = answer?["buckets"] else {
            Issue.record("no buckets in \(String(describing: answer))")
            return
        }
        #expect(buckets.map { $0.objectValue?["key"] } == [.integer(2), .integer(4), .integer(3)])
        #expect(answer?["sum_other_doc_count"] == .integer(1))
    }

    @Test func theKnobsChangeHowTheAnswerIsWritten() async throws {
        let standIn = LogzioStandIn(token: Self.token, clock: { 1_733_533_200 })
        standIn.logTrigger(definitionID: 2, at: 1_733_529_600, milliseconds: 250)
        standIn.setWritesExponentForm(true)
        standIn.setWritesStringKeys(true)
        let answer = try await Self.search(standIn, body: Self.body())
        guard case .array(let buckets)? = answer?["buckets"], let bucket = buckets.first?.objectValue else {
            Issue.record("no bucket in \(String(describing: answer))")
            return
        }
        #expect(bucket["key"] == .string("2"))
        #expect(bucket["last"]?.objectValue?["value"] == .number("1.73352960025E12"))
        #expect(bucket["last"]?.objectValue?["value_as_string"] == .string("2024-12-07T00:00:00.250Z"))
        standIn.setOmitsAggregation(true)
        #expect(try await Self.search(standIn, body: Self.body()) == nil)
    }

    @Test(arguments: [
        (1_733_529_600_000 as Int64, "1.7335296E12"), (1_733_529_600_999, "1.733529600999E12"),
        (10_000_000, "1.0E7"), (1_000, "1000.0"),
    ])
    func theStandInWritesDoublesAsJavaDoes(milliseconds: Int64, text: String) {
        #expect(LogzioStandIn.valueText(milliseconds, exponent: true) == text)
        #expect(LogzioStandIn.valueText(milliseconds, exponent: false) == String(milliseconds))
    }
}
