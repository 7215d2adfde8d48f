import Alerts
import Testing

@testable import Logzio

/// The pure parts of the trigger log search: exact number reading, Lucene escaping, chunking and
/// reading an answer's buckets.
@Suite struct TriggerSearchUnitTests {
    @Test(arguments: [
        ("1733529600000", 1_733_529_600 as Int64?),
        ("1.7335296E12", 1_733_529_600),
        ("1.7335296e+12", 1_733_529_600),
        ("1.733529600999E12", 1_733_529_600),
        ("1.733529601E12", 1_733_529_601),
        ("17335296009990E-1", 1_733_529_600),
        ("1733529600999.9", 1_733_529_600),
        ("0.0", 0),
        ("0", 0),
        ("999", 0),
        ("1E-999999999999999999999", 0),
        ("9.223372036854775807E21", 9_223_372_036_854_775_807),
        ("9.223372036854775808E21", nil),
        ("1E999999999999999999999", nil),
        ("-1.7335296E12", nil),
        ("-0", nil),
        ("01", nil),
        ("1.", nil),
        (".5", nil),
        ("1e", nil),
        ("1x", nil),
        ("", nil),
    ])
    func decimalNumbersFloorMillisecondsToSeconds(text: String, seconds: Int64?) {
        #expect(DecimalNumber(json: text)?.floor(scaledBy: -3) == seconds)
    }

    @Test(arguments: [
        ("123", 123 as Int64?), ("123.0", 123), ("1.23E2", 123), ("12300E-2", 123), ("12.5", nil), ("1E-1", nil),
        ("0E5", 0),
    ])
    func decimalNumbersKnowWholeNumbers(text: String, value: Int64?) {
        #expect(DecimalNumber(json: text)?.integerValue == value)
    }

    @Test(arguments: [
        ("logzio-alert-definition-id", "logzio-alert-definition-id"),
        ("alert_definition.id@v2", "alert_definition.id@v2"),
        ("-id", #"\-id"#),
        ("a b", #"a\ b"#),
        ("a:b", #"a\:b"#),
        (#"x*?\"#, #"x\*\?\\"#),
        ("(f)", #"\(f\)"#),
        ("a+b", #"a\+b"#),
        ("défini", #"d\éfini"#),
    ])
    func fieldsAreEscapedForLucene(field: String, escaped: String) {
        #expect(TriggerSearch.luceneField(field) == escaped)
    }

    @Test func chunksDropRepeatsAndNegativesAndKeepTheOrder() {
        #expect(TriggerSearch.chunks(of: [5, -1, 3, 5, 0, 3], size: 2) == [[5, 3], [0]])
        #expect(TriggerSearch.chunks(of: [], size: 500).isEmpty)
        #expect(TriggerSearch.chunks(of: Array(1...1_000), size: 500).map(\.count) == [500, 500])
        #expect(TriggerSearch.chunks(of: Array(1...1_001), size: 500).map(\.count) == [500, 500, 1])
    }

    /// An answer holding `buckets`.
    static func answer(_ buckets: String) -> [UInt8] {
        Array(#"{"hits":{"total":0},"aggregations":{"definitions":{"buckets":[\#(buckets)]}}}"#.utf8)
    }

    @Test(arguments: [
        (#"{"key":1,"last":{"value":1.7335296E12}}"#, [1: 1_733_529_600] as [Int64: Int64], 0),
        (#"{"key":"1","last":{"value":1733529600999}}"#, [1: 1_733_529_600], 0),
        (#"{"key":1.0,"last":{"value":1733529600000.0}}"#, [1: 1_733_529_600], 0),
        (#"{"key":1,"last":{"value":null}}"#, [:], 0),
        (#"{"key":1,"last":{"value":-1000}}"#, [:], 1),
        (#"{"key":1,"last":{"value":1E300}}"#, [:], 1),
        (#"{"key":1,"last":{"value":253402300800000}}"#, [:], 1),
        (#"{"key":1,"last":{"value":253402300799999}}"#, [1: 253_402_300_799], 0),
        (#"{"key":1,"last":{"value":"1733529600000"}}"#, [:], 1),
        (#"{"key":1,"last":{}}"#, [:], 1),
        (#"{"key":1}"#, [:], 1),
        (#"{"key":"x1","last":{"value":0}}"#, [:], 1),
        (#"{"key":-1,"last":{"value":0}}"#, [:], 1),
        (#"{"key":2,"last":{"value":0}}"#, [:], 1),
        (#"[1]"#, [:], 1),
        (#"{"key":1,"last":{"value":1E12}},{"key":"1","last":{"value":2E12}}"#, [1: 2_000_000_000], 0),
    ])
    func bucketsAreReadOrLeftOut(buckets: String, latest: [Int64: Int64], unreadable: Int) throws {
        let answer = try TriggerSearchAnswer(decoding: Self.answer(buckets), asked: [1])
        #expect(answer.latest == latest)
        #expect(answer.unreadableBuckets == unreadable)
    }

    @Test(arguments: [
        (#"{"hits":{"total":0}}"#, "it has no aggregations.definitions.buckets array"),
        (#"{"aggregations":{"definitions":{"buckets":{}}}}"#, "it has no aggregations.definitions.buckets array"),
        (#"{"aggregations":{"other":{"buckets":[]}}}"#, "it has no aggregations.definitions.buckets array"),
        (#"[]"#, "it is an array, not an object"),
        ("<html>", "it is not JSON (invalid JSON at byte 0: unexpected character)"),
    ])
    func answersWithoutTheAggregationAreRefused(body: String, reason: String) {
        #expect(throws: TriggerSearchAnswerError(reason: reason)) {
            try TriggerSearchAnswer(decoding: Array(body.utf8), asked: [1])
        }
    }
}
