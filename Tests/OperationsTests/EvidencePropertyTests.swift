import Alerts
import Ledger
import Logzio
import ResolverConfiguration
import Staleness
import Testing

@testable import Operations

/// The promise evidence makes: absence of evidence never closes an alert that the rules without evidence
/// would keep, unless its definition is verified. Checked over random histories, definitions and search
/// answers, through the same resolvers the sweep, list and check use.
@Suite struct EvidencePropertyTests {
    /// A small deterministic generator, so a failure can be replayed from its seed.
    struct Generator: RandomNumberGenerator {
        var state: UInt64
        mutating func next() -> UInt64 {
            state &+= 0x9E37_79B9_7F4A_7C15
            var z = state
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            return z ^ (z >> 31)
        }
    }

    static let now: Int64 = 1_800_000_000

    /// A random definition: a time frame, a wait, maybe a schedule, maybe disabled.
    static func definition(_ id: Int64, _ random: inout Generator) -> AlertDefinition {
        let frames: [Int64?] = [nil, 5, 15, 60, 240]
        let waits: [Int64?] = [nil, 5, 60, 1_440]
        let schedules: [String?] = [nil, nil, nil, "0 0 */2 ? * *", "0 0 9 ? * MON-FRI"]
        return AlertDefinition(
            id: id, isEnabled: Int.random(in: 0..<10, using: &random) > 0,
            searchTimeFrameMinutes: frames.randomElement(using: &random) ?? nil,
            suppressNotificationsMinutes: waits.randomElement(using: &random) ?? nil,
            cronExpression: schedules.randomElement(using: &random) ?? nil)
    }

    /// A random policy: the default and a rule, each fixed, auto or never.
    static func policy(_ random: inout Generator) throws -> StalenessPolicy {
        let choices: [StaleAfter] = [.auto, .auto, .after(.seconds(900)), .after(.seconds(3_600)), .never]
        let fallback: Duration? = Bool.random(using: &random) ? .seconds(7_200) : nil
        let auto = AutoParameters(
            factor: [1, 2, 3].randomElement(using: &random) ?? 3,
            minimum: .seconds([0, 900, 3_600].randomElement(using: &random) ?? 900), fallback: fallback)
        let rule = Rule(
            name: "picked", match: [("check", try GlobPattern("p*"))],
            staleAfter: choices.randomElement(using: &random) ?? .auto, auto: auto)
        return StalenessPolicy(
            defaultStaleAfter: choices.randomElement(using: &random) ?? .auto, rules: [rule], defaultAuto: auto)
    }

    @Test(arguments: 0..<40)
    func absenceOfEvidenceNeverClosesWhatTheRulesKeepUnlessVerified(seed: Int) throws {
        var random = Generator(state: UInt64(seed) &* 7919 &+ 17)
        var config = ResolverConfig()
        config.policy = try Self.policy(&random)
        config.logzioAccounts = [LogzioAccountConfig(id: "42", tokenFile: "/dev/null")]
        var view = LogzioView(config: config)
        view.evidenceEnabled = true
        let ids: [Int64] = [1, 2, 3, 4, 5]
        for key in [LogzioAccountKey.topLevel, "42"] {
            var definitions = AutoDefinitions()
            for id in ids where Int.random(in: 0..<5, using: &random) > 0 {
                definitions.definitions[id] = Self.definition(id, &random)
            }
            definitions.everListed = Set(ids)
            definitions.available = Int.random(in: 0..<6, using: &random) > 0
            var evidence = TriggerEvidence()
            evidence.searched = Set(ids.filter { _ in Bool.random(using: &random) })
            for id in evidence.searched where Bool.random(using: &random) {
                evidence.triggers[id] = Self.now - Int64.random(in: 0...(3 * 86_400), using: &random)
            }
            evidence.verified = evidence.searched.filter { _ in Int.random(in: 0..<3, using: &random) == 0 }
            if Int.random(in: 0..<6, using: &random) == 0 { evidence.failure = "HTTP 503" }
            view.accounts[key] = LogzioView.Account(
                account: LogzioAccount.all(config).first { $0.key == key } ?? .topLevel(config),
                definitions: definitions, evidence: evidence, hasToken: Int.random(in: 0..<8, using: &random) > 0)
        }
        let feed: FeedLiveness? =
            Bool.random(using: &random)
            ? FeedLiveness(runs: [(Self.now - 5 * 86_400, Self.now - 86_400), (Self.now - 40_000, Self.now - 60)])
            : nil
        let auto = view.autoResolver(now: Self.now)
        // The decision without evidence, built apart from the view's resolver: each account's definitions,
        // never their trigger period.
        let frozen = view
        let plain: AutoResolver = { payload, parameters, _ in
            let (account, id) = frozen.locate(payload)
            return (frozen.accounts[account]?.definitions ?? AutoDefinitions()).resolution(
                id: id, idField: "alert_definition_id", parameters: parameters, triggersVerified: false,
                now: Self.now)
        }
        let evidence = try #require(view.evidenceResolver())
        for _ in 0..<200 {
            let payload = JSONObject([
                ("check", .string(Bool.random(using: &random) ? "p-latency" : "disk")),
                (
                    "alert_definition_id",
                    Int.random(in: 0..<8, using: &random) == 0
                        ? .null : .integer(ids.randomElement(using: &random) ?? 1)
                ),
                ("logzio_account_id", .string(Bool.random(using: &random) ? "42" : "7")),
            ])
            let lastReceived = Self.now - Int64.random(in: 0...(4 * 86_400), using: &random)
            let without = config.policy.decide(
                payload: payload, lastReceived: lastReceived, now: Self.now, feed: feed, auto: plain)
            let with = config.policy.decide(
                payload: payload, lastReceived: lastReceived, now: Self.now, feed: feed, auto: auto, evidence: evidence)
            if with.evidence.state != .verified, with.isStale {
                #expect(
                    without.isStale,
                    "seed \(seed): \(payload.serialized()) at \(lastReceived): closed with \(with.evidence) (\(with.reason)) but kept without (\(without.reason))"
                )
            }
            if with.evidence.state == .failed || with.evidence.state == .none {
                #expect(with.isStale == without.isStale, "seed \(seed): no evidence must decide as without it")
            }
        }
    }
}
