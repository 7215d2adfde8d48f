import AlertsStandIn
import Foundation
import TestSupport
import Testing

/// README "Safety", blast radius, at each boundary through the binary: a sweep holds (exit 75, nothing sent)
/// when the stale alerts are more than `max_resolves_per_run`, or when at least 20 are open and more than
/// `max_resolve_fraction` of them are stale; exactly at a limit it sends. The rule alone is
/// `BlastRadiusTests`; this is the config, the counting of open and stale alerts, and the exit code.
@Suite(.timingSensitive) struct BlastRadiusEndToEndTests {
    struct Case: Sendable, CustomTestStringConvertible {
        var config: String
        var stale: Int
        var fresh: Int
        var held: Bool
        var why: String

        var testDescription: String { why }
    }

    static let cases: [Case] = [
        Case(
            config: "max_resolves_per_run: 5\nmax_resolve_fraction: 1\n", stale: 5, fresh: 0, held: false,
            why: "exactly max_resolves_per_run"),
        Case(
            config: "max_resolves_per_run: 5\nmax_resolve_fraction: 1\n", stale: 6, fresh: 0, held: true,
            why: "one past max_resolves_per_run"),
        Case(config: "", stale: 10, fresh: 10, held: false, why: "20 open, exactly half stale (default 0.5)"),
        Case(config: "", stale: 11, fresh: 9, held: true, why: "20 open, one past half stale"),
        Case(config: "", stale: 19, fresh: 0, held: false, why: "19 open, all stale: under the 20 the fraction needs"),
        Case(config: "max_resolve_fraction: 0.25\n", stale: 5, fresh: 15, held: false, why: "20 open, exactly 0.25"),
        Case(config: "max_resolve_fraction: 0.25\n", stale: 6, fresh: 14, held: true, why: "20 open, one past 0.25"),
    ]

    @Test(arguments: cases)
    func aSweepHoldsOnlyPastALimit(_ limit: Case) async throws {
        let scenario = try Scenario(config: limit.config)
        try await scenario.importOpenAlerts(count: limit.stale, prefix: "stale", age: 7200)
        if limit.fresh > 0 { try await scenario.importOpenAlerts(count: limit.fresh, prefix: "fresh", age: 60) }

        let preview = try await scenario.run(["sweep", "--dry-run", "--json"])
        #expect(preview.code == (limit.held ? 75 : 0), "\(limit.why): \(preview.stderr)")
        let planned = try jsonObject(preview.stdout)
        #expect(planned["open"] as? Int == limit.stale + limit.fresh, "\(limit.why)")
        #expect(planned["stale"] as? Int == limit.stale, "\(limit.why)")
        #expect(planned["held"] as? Int == (limit.held ? limit.stale : 0), "\(limit.why)")

        let result = try await scenario.run(["sweep", "--json"])
        #expect(result.code == (limit.held ? 75 : 0), "\(limit.why): \(result.stderr)")
        let report = try jsonObject(result.stdout)
        #expect(report["resolved"] as? Int == (limit.held ? 0 : limit.stale), "\(limit.why)")
        #expect(scenario.standIn.received.count == (limit.held ? 0 : limit.stale), "\(limit.why)")
        if limit.held {
            let named = limit.config.contains("max_resolves_per_run") ? "max_resolves_per_run" : "max_resolve_fraction"
            #expect(result.stderr.contains(named), "\(limit.why): \(result.stderr)")
            #expect(scenario.standIn.requestCount == 0, "a held sweep sends nothing")
            #expect(try await scenario.hosts("open").count == limit.stale + limit.fresh)
        }
    }
}
