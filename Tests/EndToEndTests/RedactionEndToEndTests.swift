import Alerts
import Foundation
import TestSupport
import Testing

/// A token the process read never reaches stdout, stderr or a log line, text or JSON, even when the
/// data it prints carries it.
@Suite(.timingSensitive) struct RedactionEndToEndTests {
    @Test(arguments: ["e2e-echoed-token-9f3e", #"e2e"quoted\token-41"#])
    func aTokenInTheDataIsRedactedFromStdoutStderrAndJSONLogLines(token: String) async throws {
        let scenario = try Scenario()
        try scenario.writeConfig("bigpanda:\n  requests_per_second: 0\n")
        // Alerts whose app key is the token: it is in the ledger, so the output would carry it.
        let appKey = JSONValue.string(token).serialized()
        let received = nowSeconds() - 7200
        let file = scenario.directory + "/import.jsonl"
        try
            (#"{"alert":{"app_key":\#(appKey),"status":"critical","host":"h","check":"cpu"},"received_at":\#(received)}"#
            + "\n").write(toFile: file, atomically: true, encoding: .utf8)
        #expect(try await scenario.run(["import", file]).code == 0)
        var outputs: [String] = []
        // BigPanda knows another token and answers 401: each sweep fails its batch (exit 1) and says so.
        for arguments in [["sweep", "--verbose", "--log-format", "json", "--json"], ["sweep", "--verbose"]] {
            let result = try await scenario.run(arguments, environment: ["BIGPANDA_TOKEN": token])
            #expect(result.code == 1, "\(arguments)")
            outputs += [result.stdout, result.stderr]
        }
        let forms = Set([token, String(appKey.dropFirst().dropLast())])
        for text in outputs {
            for form in forms {
                #expect(!text.contains(form), "the token is in the output: \(text.prefix(2000))")
            }
        }
        #expect(outputs[0].contains("<redacted>"), "stdout carried the app key: \(outputs[0].prefix(2000))")
        let jsonLine = outputs[1].split(separator: "\n").first { $0.contains("a batch was not delivered") }
        #expect(jsonLine?.contains(#""app_key":"<redacted>""#) == true, "\(outputs[1].prefix(2000))")
        #expect(outputs[3].contains("app_key=<redacted>"), "\(outputs[3].prefix(2000))")
    }
}
