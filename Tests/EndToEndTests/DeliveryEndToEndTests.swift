import Alerts
import AlertsStandIn
import Foundation
import TestSupport
import Testing

@Suite(.timingSensitive) struct DeliveryEndToEndTests {
    @Test func aRefusedTokenIsReportedOnceNeverPrintedAndNothingIsResolved() async throws {
        let scenario = try Scenario()
        let base = nowSeconds() - 7200
        for index in 0..<3 { try await scenario.record(host: "web-\(index)", at: base) }
        try scenario.writeConfig("bigpanda:\n  requests_per_second: 0\n  batch_size: 1\n")
        let wrong = "wrong-token-\(UUID().uuidString)"
        let result = try await scenario.run(["sweep", "--verbose", "--json"], environment: ["BIGPANDA_TOKEN": wrong])
        #expect(result.code == 1)
        #expect(result.stderr.contains("401"))
        #expect(!result.stderr.contains(wrong) && !result.stdout.contains(wrong))
        #expect(scenario.standIn.requestCount == 1, "sending stops at the first 401")
        #expect(try await scenario.list("open").count == 3)
        let ledgerBytes = try Data(contentsOf: URL(fileURLWithPath: scenario.ledger))
        #expect(ledgerBytes.range(of: Data(wrong.utf8)) == nil)
    }

    @Test func aPermanent400IsReportedWithBigPandasTextAndLeftOpenThenRejectedAfterThreeRuns() async throws {
        let scenario = try Scenario(script: { _, _ in
            .json(400, #"{"status":"failure","error":"Invalid alert payload: bad thing"}"#)
        })
        try await scenario.record(host: "web-1", at: nowSeconds() - 7200)
        for run in 1...3 {
            let result = try await scenario.run(["sweep", "--json"])
            #expect(result.code == 1)
            #expect(result.stderr.contains("HTTP 400: Invalid alert payload: bad thing"))
            let report = try jsonObject(result.stdout)
            let action = try #require((report["actions"] as? [[String: Any]])?.first)
            #expect(action["http_status"] as? Int == 400)
            #expect(action["attempts"] as? Int == 1, "a 400 is not retried within the run")
            #expect(action["action"] as? String == (run == 3 ? "rejected" : "failed"))
            // The closing line says what happens next: another try, or none until a new event.
            #expect(result.stderr.contains("stay open for the next run") == (run < 3), "\(result.stderr)")
            #expect(result.stderr.contains("marked rejected and not sent again") == (run == 3), "\(result.stderr)")
        }
        #expect(scenario.standIn.requestCount == 3)
        #expect(try await scenario.list("rejected").count == 1)
        // A rejected alert is not retried.
        #expect(try await scenario.run(["sweep"]).code == 0)
        #expect(scenario.standIn.requestCount == 3)
    }

    @Test func a429StormWithRetryAfterIsSurvived() async throws {
        let scenario = try Scenario(script: { number, _ in
            number <= 3 ? .respond(status: 429, headers: [HeaderField("Retry-After", "0")], body: []) : nil
        })
        try await scenario.record(host: "web-1", at: nowSeconds() - 7200)
        let result = try await scenario.run(["sweep", "--json"])
        #expect(result.code == 0, "\(result.stderr)")
        let action = try #require((try jsonObject(result.stdout)["actions"] as? [[String: Any]])?.first)
        #expect(action["attempts"] as? Int == 4)
        #expect(action["http_status"] as? Int == 201)
        #expect(scenario.standIn.received.count == 1)
    }

    @Test func serverErrorsUntilTheDeadlineEndWithExit1AndTheAlertOpen() async throws {
        let scenario = try Scenario(script: { _, _ in .json(503, #"{"error":"maintenance"}"#) })
        try scenario.writeConfig("bigpanda:\n  requests_per_second: 0\n  deadline: 2s\n")
        try await scenario.record(host: "web-1", at: nowSeconds() - 7200)
        let started = Date()
        let result = try await scenario.run(["sweep"])
        #expect(result.code == 1)
        #expect(result.stderr.contains("HTTP 503: maintenance"))
        // Ends after the 2 s deadline, not after the 4 min default; the slack is for a loaded machine.
        #expect(Date().timeIntervalSince(started) < 30)
        #expect(try await scenario.list("open").count == 1)
    }
}
