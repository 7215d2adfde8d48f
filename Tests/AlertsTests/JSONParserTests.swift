import Alerts
import Testing

@Suite struct JSONParserTests {
    @Test(arguments: [
        (#"{"a":1,"b":[true,false,null],"c":"x"}"#, #"{"a":1,"b":[true,false,null],"c":"x"}"#),
        (#" { "z" : 1.50e3 , "a" : -0 } "#, #"{"z":1.50e3,"a":-0}"#),
        (#""\u00e9\n\"\\\/""#, #""é\n\"\\/""#),
        (#""\ud83d\ude00""#, #""😀""#),
        ("[]", "[]"),
        ("12345678901234567890", "12345678901234567890"),
    ])
    func roundTripsKeepingOrderAndNumberText(input: String, expected: String) throws {
        #expect(try JSONParser.parse(input).serialized() == expected)
    }

    @Test(arguments: [
        "", "{", "[1,]", "{\"a\":1,}", "01", "1.", "-", "tru", "\"abc", "{\"a\" 1}", "{\"a\":1}x",
        "\"\\x\"", "\"\\ud800\"", "{\"a\":1,\"a\":2}", "\"tab\there\"", "NaN",
    ])
    func rejectsInvalidJSON(input: String) {
        #expect(throws: JSONParseError.self) { try JSONParser.parse(input) }
    }

    @Test func rejectsInvalidUTF8() {
        #expect(throws: JSONParseError.self) { try JSONParser.parse([0x22, 0xFF, 0xFE, 0x22]) }
    }

    @Test func refusesDeepNesting() {
        let deep = String(repeating: "[", count: 100) + String(repeating: "]", count: 100)
        #expect(throws: JSONParseError.self) { try JSONParser.parse(deep) }
        let fine = String(repeating: "[", count: 60) + String(repeating: "]", count: 60)
        #expect((try? JSONParser.parse(fine)) != nil)
    }

    @Test func escapesControlCharactersOnOutput() {
        #expect(JSONValue.string("a\u{01}b\"").serialized() == #""a\u0001b\"""#)
    }
}
