import Alerts
import Logzio
import LogzioStandIn
import TestSupport
import Testing

/// The trigger log search against the stand-in: the body Logz.io receives, the chunks, and the answers
/// read back in every form Elasticsearch writes them.
@Suite(.serialized, .timingSensitive) struct TriggerSearchClientTests {
    typealias Fixture = SearchFixture

    /// The body SPEC.md shows, for definitions 123 and 456.
    static let specBody = """
        {"size": 0,
         "query": {"bool": {"filter": [{"query_string": {"query": "logzio-alert-definition-id:(123 OR 456)"}}]}},
         "aggs": {"definitions": {"terms": {"field": "logzio-alert-definition-id", "size": 500},
                                  "aggs": {"last": {"max": {"field": "@timestamp"}}}}}}
        """

    @Test func sendsTheBodyTheSpecShowsWithTheTokenAsJSON() async throws {
        let seen = Recorder<[ReceivedRequest]>([])
        let fixture = try Fixture { _, request in
            seen.update { $0.append(request) }
            return nil
        }
        defer { fixture.stop() }
        fixture.standIn.logTrigger(definitionID: 456, at: Fixture.now - 60)
        let latest = try await fixture.client.latestTriggers(ids: [123, 456], field: Fixture.field, query: nil)
        #expect(latest == [456: Fixture.now - 60])
        let request = try #require(seen.value.first)
        #expect(request.method == "POST")
        #expect(request.path == "/v1/search")
        #expect(request.header("X-API-TOKEN") == Fixture.token)
        #expect(request.header("Content-Type") == "application/json")
        #expect(try JSONParser.parse(request.body) == JSONParser.parse(Self.specBody))
        #expect(fixture.standIn.searchBodies.map(JSONValue.object) == [try JSONParser.parse(Self.specBody)])
        #expect(fixture.standIn.searchRequests == [[123, 456]])
        #expect(fixture.standIn.rejections.isEmpty)
    }

    @Test func sixHundredIDsGoInTwoRequestsAndBothAnswersMerge() async throws {
        let fixture = try Fixture()
        defer { fixture.stop() }
        fixture.standIn.logTrigger(definitionID: 7, at: Fixture.now - 300)
        fixture.standIn.logTrigger(definitionID: 7, at: Fixture.now - 100)
        fixture.standIn.logTrigger(definitionID: 7, at: Fixture.now - 200)
        fixture.standIn.logTrigger(definitionID: 550, at: Fixture.now - 3_600)
        fixture.standIn.logTrigger(definitionID: 601, at: Fixture.now - 10)
        let latest = try await fixture.client.latestTriggers(
            ids: Array(1...600) + [7, -3], field: Fixture.field, query: nil)
        #expect(latest == [7: Fixture.now - 100, 550: Fixture.now - 3_600])
        #expect(fixture.standIn.searchRequests == [Array(1...500), Array(501...600)])
        #expect(fixture.standIn.searchCount == 2)
        #expect(LogzioClient.maxIDsPerSearch == 500)
    }

    @Test func noIDsSendNothing() async throws {
        let fixture = try Fixture()
        defer { fixture.stop() }
        #expect(try await fixture.client.latestTriggers(ids: [], field: Fixture.field, query: nil) == [:])
        #expect(fixture.standIn.requestCount == 0)
    }

    @Test(arguments: [(false, false), (true, false), (false, true), (true, true)])
    func readsExponentFormAndStringKeysAndFloorsMilliseconds(exponent: Bool, stringKeys: Bool) async throws {
        let fixture = try Fixture()
        defer { fixture.stop() }
        fixture.standIn.setWritesExponentForm(exponent)
        fixture.standIn.setWritesStringKeys(stringKeys)
        fixture.standIn.logTrigger(definitionID: 11, at: Fixture.now - 3_600)
        fixture.standIn.logTrigger(definitionID: 12, at: Fixture.now - 61, milliseconds: 999)
        let latest = try await fixture.client.latestTriggers(ids: [11, 12, 13], field: Fixture.field, query: nil)
        #expect(latest == [11: Fixture.now - 3_600, 12: Fixture.now - 61])
    }

    @Test func aNullLastValueIsNoTrigger() async throws {
        let answer = """
            {"took":2,"timed_out":false,"hits":{"total":3,"hits":[]},"aggregations":{"definitions":{"buckets":[
            {"key":21,"doc_count":2,"last":{"value":null}},
            {"key":"22","doc_count":1,"last":{"value":1.7335296E12,"value_as_string":"2024-12-07T00:00:00.000Z"}}]}}}
            """
        let fixture = try Fixture { _, _ in .json(200, answer) }
        defer { fixture.stop() }
        let latest = try await fixture.client.latestTriggers(ids: [21, 22], field: Fixture.field, query: nil)
        #expect(latest == [22: 1_733_529_600])
    }

    @Test func theExtraQueryIsANDedToTheIDClause() async throws {
        let fixture = try Fixture()
        defer { fixture.stop() }
        fixture.standIn.logTrigger(definitionID: 5, at: Fixture.now - 30)
        let query = #"logzio-alert-title:"disk \"full\"" OR env:prod"#
        let latest = try await fixture.client.latestTriggers(ids: [5, 6], field: Fixture.field, query: query)
        #expect(latest == [5: Fixture.now - 30])
        let body = try #require(fixture.standIn.searchBodies.first)
        #expect(Fixture.clause(body) == "logzio-alert-definition-id:(5 OR 6) AND (\(query))")
    }

    @Test(arguments: ["", "  \t"])
    func aBlankQueryAddsNothing(query: String) async throws {
        let fixture = try Fixture()
        defer { fixture.stop() }
        _ = try await fixture.client.latestTriggers(ids: [5], field: Fixture.field, query: query)
        let body = try #require(fixture.standIn.searchBodies.first)
        #expect(Fixture.clause(body) == "logzio-alert-definition-id:(5)")
    }

    @Test func aFieldWithLuceneSyntaxIsEscapedInTheClauseOnly() async throws {
        let fixture = try Fixture()
        defer { fixture.stop() }
        let field = #"alert id:(x)\*"#
        fixture.standIn.logTrigger(definitionID: 9, at: Fixture.now - 5)
        let latest = try await fixture.client.latestTriggers(ids: [9], field: field, query: nil)
        #expect(latest == [9: Fixture.now - 5])
        let body = try #require(fixture.standIn.searchBodies.first)
        #expect(Fixture.clause(body) == #"alert\ id\:\(x\)\\\*:(9)"#)
        let terms = body["aggs"]?.objectValue?["definitions"]?.objectValue?["terms"]?.objectValue
        #expect(terms?["field"] == .string(field))
    }

    @Test func theSearchSeesTodayAndYesterdayOnly() async throws {
        let fixture = try Fixture()
        defer { fixture.stop() }
        let startOfYesterday: Int64 = 1_733_443_200  // 2024-12-06T00:00:00Z
        fixture.standIn.logTrigger(definitionID: 1, at: startOfYesterday)
        fixture.standIn.logTrigger(definitionID: 2, at: startOfYesterday - 1)
        fixture.standIn.logTrigger(definitionID: 3, at: Fixture.now)
        fixture.standIn.logTrigger(definitionID: 3, at: Fixture.now + 1)
        fixture.standIn.logTrigger(definitionID: 4, at: Fixture.now + 60)
        let latest = try await fixture.client.latestTriggers(ids: [1, 2, 3, 4], field: Fixture.field, query: nil)
        #expect(latest == [1: startOfYesterday, 3: Fixture.now])
    }
}
