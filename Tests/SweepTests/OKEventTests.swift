import Alerts
import BigPanda
import Sweep
import Testing

@Suite struct OKEventTests {
    func build(_ text: String, reason: String = "no notification for 2h (rule \"default\", stale after 1h)") throws
        -> JSONObject
    {
        let bytes = OKEvent.build(
            payload: try RawJSONObject(Array(text.utf8)), timestamp: 1_795_773_600, reason: reason,
            lastReceived: 1_795_766_400)
        return try #require(try JSONParser.parse(bytes).objectValue)
    }

    @Test func replacesInPlaceAndAppendsProvenanceInOrder() throws {
        let ok = try build(
            #"{"app_key":"k","status":"critical","host":"web-1","check":"cpu","timestamp":1795760000,"severity":"HIGH"}"#
        )
        #expect(
            ok.keys == [
                "app_key", "status", "host", "check", "timestamp", "severity", "description", "resolved_by",
                "resolve_reason",
                "last_received",
            ])
        #expect(ok["status"] == .string("ok"))
        #expect(ok["timestamp"] == .number("1795773600"))
        #expect(ok["resolved_by"] == .string("logzio-resolver"))
        #expect(ok["last_received"] == .string("2026-11-27T08:00:00Z"))
        #expect(
            ok["description"]?.stringValue?.hasPrefix("resolved by logzio-resolver: no notification for 2h") == true)
    }

    @Test func matchesTheDecodedFlatteningExactly() throws {
        let text =
            #"{"app_key":"k","status":"warning","primary_property":"dims","dims":{"a":1},"tags":["x","y"],"rows":[{"r":1}],"grid":[[1]],"n":12345678901234567890,"s":"q\"\\\n\u0001","e":{}}"#
        let ok = try build(text)
        var expected = try #require(try JSONParser.parse(text).objectValue)
        expected["status"] = .string("ok")
        expected["timestamp"] = .integer(1_795_773_600)
        expected = try #require(try JSONParser.parse(Array(WireFormat.flattenedText(expected).utf8)).objectValue)
        for key in expected.keys where !["description", "resolved_by", "resolve_reason", "last_received"].contains(key)
        {
            #expect(ok[key] == expected[key], "\(key)")
        }
        #expect(ok["dims"] == .object(JSONObject([("a", .number("1"))])), "the primary property is sent as received")
        #expect(ok["tags"] == .array([.string("x"), .string("y")]))
        #expect(ok["rows"] == .string(#"[{"r":1}]"#))
        #expect(ok["grid"] == .string("[[1]]"))
        #expect(ok["e"] == .string("{}"))
    }

    /// The relay forwards `WireFormat.flattenedText` of a payload; the sweep's `ok` event built from the
    /// stored payload is the same bytes as forwarding it with the `ok` event's fields set.
    @Test(arguments: [
        #"{"app_key":"k","status":"critical","primary_property":"dims","secondary_property":"rows","dims":{"a":[1,{"b":"}"}]},"rows":[{"r":1}],"tags":["x","[y]"],"grid":[[1]],"n":12345678901234567890,"s":"q\"\\\n\u0001é","e":{},"ea":[],"description":"old"}"#,
        #"{"app_key":"k","status":"warning","host":"h","check":"c","incident_identifier":"i-1","nested":{"deep":{"deeper":[{"x":null}]}},"list":[1,"two",true,null],"mixed":[1,[2]],"timestamp":1795760000}"#,
    ])
    func okEventIsTheForwardedFlatteningByteForByte(received: String) throws {
        let payload = try #require(try JSONParser.parse(Array(received.utf8)).objectValue)
        // The ledger stores the payload's compact serialization; the sweep reads it back raw.
        let stored = try RawJSONObject(Array(payload.serialized().utf8))
        let reason = "no notification for 2h (rule \"default\", stale after 1h)"
        let bytes = OKEvent.build(
            payload: stored, timestamp: 1_795_773_600, reason: reason, lastReceived: 1_795_766_400)
        var forwarded = payload
        forwarded["status"] = .string("ok")
        forwarded["timestamp"] = .integer(1_795_773_600)
        forwarded["description"] = .string("resolved by logzio-resolver: \(reason)")
        forwarded["resolved_by"] = .string("logzio-resolver")
        forwarded["resolve_reason"] = .string(reason)
        forwarded["last_received"] = .string("2026-11-27T08:00:00Z")
        #expect(String(decoding: bytes, as: UTF8.self) == WireFormat.flattenedText(forwarded))
    }

    @Test func keepsDescriptionAndTagsWithinBigPandasLimits() throws {
        let ok = try build(
            #"{"app_key":"k","status":"critical","host":"h","description":"old"}"#,
            reason: String(repeating: "r", count: 5000))
        #expect((ok["description"]?.stringValue?.count ?? 0) <= 2048)
        #expect((ok["resolve_reason"]?.stringValue?.count ?? 0) <= 512)
        #expect(ok.keys.firstIndex(of: "description") == 3, "an existing description is replaced in place")
    }

    /// The limits count characters, not bytes: a reason of two-byte characters under the limit is whole.
    @Test(arguments: [400, 512, 513, 3000])
    func limitsCountCharacters(length: Int) throws {
        let reason = String(repeating: "é", count: length)
        let ok = try build(#"{"app_key":"k","status":"critical","host":"h"}"#, reason: reason)
        #expect(ok["resolve_reason"]?.stringValue == String(reason.prefix(512)))
        let description = "resolved by logzio-resolver: " + reason
        let expected = description.count > 2048 ? String(description.prefix(2047)) + "…" : description
        #expect(ok["description"]?.stringValue == expected)
    }

    @Test func timestampIsLaterThanEverythingSeen() {
        #expect(OKEvent.timestamp(wallClock: 100, maxTimestamp: 50) == 100)
        #expect(OKEvent.timestamp(wallClock: 100, maxTimestamp: 100) == 101)
        #expect(OKEvent.timestamp(wallClock: 100, maxTimestamp: 500) == 501)
    }
}

@Suite struct RawJSONObjectTests {
    @Test func findsTopLevelMembersWithoutDecoding() throws {
        let raw = try RawJSONObject(Array(#" { "a" : 1 , "b":{"x":[1,"}"]}, "c\"q":"s\\\"", "d":[1,2] } "#.utf8))
        #expect(raw.members.map(\.key) == ["a", "b", "c\"q", "d"])
        #expect(String(decoding: raw.raw(raw.members[1].value), as: UTF8.self) == #"{"x":[1,"}"]}"#)
        #expect(try raw.value("c\"q") == .string("s\\\""))
        #expect(raw.isNested(raw.members[1].value))
        #expect(!raw.isNested(raw.members[3].value))
        #expect(try raw.subset(["a", "zz"]) == JSONObject([("a", .number("1"))]))
    }

    /// Strings dense in backslashes and quotes, as keys and values: every member is found whole.
    @Test func findsStringsWhateverTheirEscapes() throws {
        var state: UInt64 = 0x9E37_79B9_7F4A_7C15
        func next() -> Int {
            state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            return Int(truncatingIfNeeded: state >> 33)
        }
        let alphabet: [String] = ["\\", "\"", "a", "é", "\n", "/", "\u{1}"]
        for _ in 0..<300 {
            let members = (0..<(1 + next() % 6)).map { index in
                let text = (0..<(next() % 12)).map { _ in alphabet[next() % alphabet.count] }.joined()
                return ("\(index)\(text)", JSONValue.string(text))
            }
            let raw = try RawJSONObject(Array(JSONObject(members).serialized().utf8))
            #expect(raw.members.map(\.key) == members.map(\.0))
            for (key, value) in members { #expect(try raw.value(key) == value) }
        }
    }

    @Test(arguments: ["", "[]", "{", #"{"a"}"#, #"{"a":}"#, #"{"a":1"#, #"{"a":"x}"#, #"{"a":"x\"}"#, #"{"\"#])
    func refusesWhatIsNotAnObject(text: String) {
        #expect(throws: JSONParseError.self) { try RawJSONObject(Array(text.utf8)) }
    }
}
