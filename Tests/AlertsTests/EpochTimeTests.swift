import Alerts
import Testing

@Suite struct EpochTimeTests {
    @Test(arguments: [
        ("2026-11-27T10:00:00Z", Int64(1_795_773_600)),
        ("2026-11-27T12:00:00+02:00", Int64(1_795_773_600)),
        ("2026-11-27T05:00:00-0500", Int64(1_795_773_600)),
        ("2026-11-27T10:00:00.750Z", Int64(1_795_773_600)),
        ("1795773600", Int64(1_795_773_600)),
        ("1970-01-01T00:00:00Z", Int64(0)),
        ("2024-02-29T23:59:59Z", Int64(1_709_251_199)),
    ])
    func parses(text: String, seconds: Int64) {
        #expect(EpochTime.parse(text) == seconds)
    }

    @Test(arguments: [
        "", "yesterday", "2026-11-27", "2026-11-27T10:00:00", "2026-13-01T00:00:00Z", "2025-02-29T00:00:00Z", "-5",
        "12abc",
    ])
    func refuses(text: String) {
        #expect(EpochTime.parse(text) == nil)
    }

    @Test func formatsAndRoundTrips() {
        #expect(EpochTime.iso8601(1_795_773_600) == "2026-11-27T10:00:00Z")
        for seconds: Int64 in [0, 951_782_400, 1_709_251_199, 4_102_444_800] {
            #expect(EpochTime.parse(EpochTime.iso8601(seconds)) == seconds)
        }
    }
}
