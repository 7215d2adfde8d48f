import Testing

@testable import Redaction

@Suite struct RedactorTests {
    @Test func everyOccurrenceBecomesTheMarker() {
        let redactor = Redactor(["bp-secret-7c1e"])
        #expect(redactor.redact("a bp-secret-7c1e b bp-secret-7c1e") == "a <redacted> b <redacted>")
    }

    @Test func theLongestSecretGoesFirst() {
        let redactor = Redactor(["abcd1234efgh"])
        redactor.add("Bearer abcd1234efgh")
        #expect(redactor.redact("Bearer abcd1234efgh, abcd1234efgh") == "<redacted>, <redacted>")
    }

    @Test func aJSONEscapedSecretIsRedactedToo() {
        let redactor = Redactor()
        redactor.add(#"bp"quoted\slashed/token-55"#)
        let line = #"{"msg":"got bp\"quoted\\slashed/token-55 back"}"#
        #expect(redactor.redact(line) == #"{"msg":"got <redacted> back"}"#)
    }

    @Test func shortSecretsAreIgnored() {
        let redactor = Redactor(["abc"])
        redactor.add("")
        #expect(redactor.redact("abc abc") == "abc abc")
    }
}
