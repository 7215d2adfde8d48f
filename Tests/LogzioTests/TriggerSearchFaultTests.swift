import Alerts
import Logzio
import LogzioStandIn
import TestSupport
import Testing

/// The trigger log search when Logz.io fails: what is retried within the budget, what fails at once, and
/// that a failing chunk fails the whole search. Serialized, with slack in every time bound, because CI
/// shares two cores with other builds.
@Suite(.serialized, .timingSensitive) struct TriggerSearchFaultTests {
    typealias Fixture = SearchFixture

    @Test func a429ThenSuccessIsRetried() async throws {
        let fixture = try Fixture { number, _ in
            number == 1
                ? .respond(status: 429, headers: [HeaderField("Retry-After", "0")], body: Array("slow down".utf8))
                : nil
        }
        defer { fixture.stop() }
        fixture.standIn.logTrigger(definitionID: 3, at: Fixture.now - 90)
        let latest = try await fixture.client.latestTriggers(ids: [3], field: Fixture.field, query: nil)
        #expect(latest == [3: Fixture.now - 90])
        #expect(fixture.standIn.requestCount == 2)
        #expect(fixture.standIn.searchRequests == [[3]])
    }

    @Test(arguments: ["hang", "reset"])
    func aTimeoutOrADroppedConnectionIsRetriedWithinTheBudget(fault: String) async throws {
        // A 2 s timeout, not less: the retry's answer must come within it, on a machine shared with the suite.
        let fixture = try Fixture(retryBudget: 10, timeout: 2) { number, _ in
            number == 1 ? (fault == "hang" ? .hang : .reset) : nil
        }
        defer { fixture.stop() }
        fixture.standIn.logTrigger(definitionID: 4, at: Fixture.now - 1)
        let started = ContinuousClock.now
        let latest = try await fixture.client.latestTriggers(ids: [4], field: Fixture.field, query: nil)
        #expect(latest == [4: Fixture.now - 1])
        #expect(fixture.standIn.requestCount == 2)
        #expect(ContinuousClock.now - started < .seconds(10), "one timeout and a retry, within the budget")
    }

    @Test func aHangingServerFailsWhenTheBudgetIsSpent() async throws {
        let fixture = try Fixture(retryBudget: 1.5, timeout: 0.2) { _, _ in .hang }
        defer { fixture.stop() }
        let started = ContinuousClock.now
        let error = try #require(Fixture.failure(await fixture.search([1])))
        #expect(ContinuousClock.now - started < .seconds(5), "the budget is 1.5 s")
        guard case .network(.search, let message, let attempts) = error else {
            Issue.record("unexpected \(error)")
            return
        }
        #expect(message.contains("timed out"))
        #expect(attempts >= 2)
        #expect(error.description.hasPrefix("could not reach Logz.io for POST /v1/search: "))
    }

    @Test func aWrongTokenIsUnauthorizedWithoutTheToken() async throws {
        let wrong = "wrong-search-token-90aa1"
        let fixture = try Fixture(token: wrong)
        defer { fixture.stop() }
        let error = try #require(Fixture.failure(await fixture.search([1, 2])))
        #expect(error == .unauthorized(.search, status: 401, text: "Unauthorized: missing or invalid X-API-TOKEN"))
        #expect(error.isUnauthorized)
        #expect(fixture.standIn.requestCount == 1, "a refused token is not retried")
        #expect(error.description.hasPrefix("Logz.io refused the API token (HTTP 401 to POST /v1/search"))
        #expect(error.description.hasSuffix("and that the token may search logs"))
        #expect(!error.description.contains(wrong))
    }

    @Test func aForbiddenSearchThatEchoesTheTokenIsRedacted() async throws {
        let fixture = try Fixture { _, request in
            .json(403, #"{"message":"token \#(request.header("X-API-TOKEN") ?? "") may not search"}"#)
        }
        defer { fixture.stop() }
        let error = try #require(Fixture.failure(await fixture.search([1])))
        #expect(error == .unauthorized(.search, status: 403, text: "token <redacted> may not search"))
        #expect(!"\(error)".contains(Fixture.token))
        #expect(!String(reflecting: error).contains(Fixture.token))
    }

    @Test func aBodyLogzioCannotRunIsA400AndNotRetried() async throws {
        let fixture = try Fixture()
        defer { fixture.stop() }
        // An empty field makes a clause Lucene cannot parse; the stand-in refuses it as Logz.io would.
        let error = try #require(Fixture.failure(await fixture.search([1], field: "")))
        guard case .http(.search, 400, _, 1) = error else {
            Issue.record("unexpected \(error)")
            return
        }
        #expect(fixture.standIn.requestCount == 1)
        #expect(error.description.hasSuffix("; check logzio.evidence_field and logzio.evidence_query"))
    }

    @Test func anAnswerWithoutTheAggregationIsAFailure() async throws {
        let fixture = try Fixture()
        defer { fixture.stop() }
        fixture.standIn.setOmitsAggregation(true)
        fixture.standIn.logTrigger(definitionID: 1, at: Fixture.now - 1)
        let error = try #require(Fixture.failure(await fixture.search([1])))
        guard case .undecodable(.search, 200, let reason) = error else {
            Issue.record("unexpected \(error)")
            return
        }
        #expect(reason.hasSuffix("it has no aggregations.definitions.buckets array"))
        #expect(fixture.standIn.requestCount == 1, "an answer of the wrong shape is not retried")
    }

    @Test(arguments: [1, 2])
    func aFailingChunkFailsTheWholeSearch(failing: Int) async throws {
        let fixture = try Fixture { number, _ in
            number == failing ? .json(400, #"{"message":"too many clauses"}"#) : nil
        }
        defer { fixture.stop() }
        fixture.standIn.logTrigger(definitionID: 1, at: Fixture.now - 1)
        fixture.standIn.logTrigger(definitionID: 600, at: Fixture.now - 1)
        let error = try #require(Fixture.failure(await fixture.search(Array(1...600))))
        #expect(error == .http(.search, status: 400, text: "too many clauses", attempts: 1))
        #expect(fixture.standIn.requestCount == failing, "no request follows the failing one")
    }

    @Test func theWholeSearchSharesOneBudget() async throws {
        // The first chunk spends 4 s of the 6 s budget waiting out a Retry-After; the second chunk's server
        // errors are then retried only for what is left (2 s, room for a few attempts on a loaded machine),
        // not for a budget of its own.
        let fixture = try Fixture(retryBudget: 6) { number, _ in
            switch number {
            case 1: .respond(status: 503, headers: [HeaderField("Retry-After", "4")], body: Array("busy".utf8))
            case 2: nil
            default: .json(503, #"{"message":"search unavailable"}"#)
            }
        }
        defer { fixture.stop() }
        let started = ContinuousClock.now
        let error = try #require(Fixture.failure(await fixture.search(Array(1...501))))
        let elapsed = ContinuousClock.now - started
        #expect(elapsed >= .milliseconds(5_000), "the second chunk is retried for most of what is left")
        #expect(elapsed < .seconds(8), "a budget per chunk would run to 10 s")
        guard case .http(.search, 503, "search unavailable", let attempts) = error else {
            Issue.record("unexpected \(error)")
            return
        }
        #expect(attempts >= 2)
        // Every attempt but perhaps the last, which the budget may cut before the stand-in has read it all.
        #expect((0...1).contains(attempts - (fixture.standIn.requestCount - 2)), "\(attempts) attempts")
        #expect(fixture.standIn.searchRequests == [Array(1...500)])
    }

    @Test func anAttemptCutShortByTheBudgetReportsTheAnswerBeforeIt() async throws {
        // The retry's timeout is cut to the 1 s left of the budget, and its timeout says nothing new.
        let fixture = try Fixture(retryBudget: 1, timeout: 5) { number, _ in
            number == 1 ? .json(500, #"{"message":"shard failure"}"#) : .hang
        }
        defer { fixture.stop() }
        let error = try #require(Fixture.failure(await fixture.search([1])))
        #expect(error == .http(.search, status: 500, text: "shard failure", attempts: 2))
    }
}
