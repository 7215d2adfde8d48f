import Alerts
import Curl
import Foundation
import Ledger
import Logging
import Logzio
import LogzioStandIn
import Redaction
import ResolverConfiguration
import SQLiteLedger
import Synchronization
import TestSupport
import Testing

@testable import Operations

/// `logzio.cache_max_age` on an injected wall clock: when Logz.io cannot be reached, definitions the ledger
/// cached are used up to exactly their maximum age and never a second past it. The age is measured by the
/// run's wall clock (`OperationContext.wallClock`), from the wall-clock time the fetch was stored.
@Suite struct DefinitionCacheAgeTests {
    static let fetchedAt: Int64 = 1_800_000_000
    static let maxAge: Duration = .seconds(8)
    static let token = "logzio-cache-test-token-51c2"

    /// A context whose wall clock the test sets.
    static func context(_ clock: Recorder<Int64>) -> OperationContext {
        OperationContext(
            environment: [:], wallClock: { clock.value }, logger: Logger(label: "cache-test"), warn: { _ in })
    }

    static func ledger() throws -> SQLiteLedger {
        try SQLiteLedger(memoryNamed: "cache-age-\(UUID().uuidString)")
    }

    static var account: LogzioAccount { LogzioAccount.topLevel(ResolverConfig()) }

    /// With no client (no token: as unreachable as Logz.io down), an age of 0 to 8 s serves the cache and 9 s
    /// does not, whatever `--now` a run was given: `load` sees only the wall clock.
    @Test(arguments: [(Int64(0), true), (1, true), (7, true), (8, true), (9, false), (3_600, false)])
    func theCacheServesUpToItsMaximumAgeExactly(age: Int64, used: Bool) async throws {
        let ledger = try Self.ledger()
        let definition = StandInDefinition.timeFrameOnly(id: 101, minutes: 15).serialized()
        try ledger.storeDefinitions("[\(definition)]", ids: [101], fetchedAt: Self.fetchedAt, account: Self.account.key)
        let clock = Recorder(Self.fetchedAt + age)
        let loaded = await AutoDefinitions.load(
            account: Self.account, client: nil, cache: ledger, store: ledger, maxAge: Self.maxAge,
            context: Self.context(clock))
        #expect(loaded.available == used, "cache \(age) s old, max age 8 s")
        #expect(loaded.definitions.keys.contains(101) == used)
        #expect(loaded.everListed == [101], "ids ever listed are known whatever the cache's age")
        #expect(loaded.failure != nil, "no token is reported")
    }

    /// Logz.io answers, then goes down. The fetch is stored at the wall-clock time of its run, and serves
    /// later runs while Logz.io is down for exactly `cache_max_age`.
    @Test func aFetchIsCachedAtItsWallClockTimeAndServesWhileLogzioIsDownUntilItsAge() async throws {
        let down = Atomic<Bool>(false)
        let standIn = LogzioStandIn(
            token: Self.token, definitions: [StandInDefinition.timeFrameOnly(id: 101, minutes: 15)])
        // A 400 is not retried, so a run against the down Logz.io fails at once.
        let server = try StandInLoopback(serving: standIn) { _, _ in
            down.load(ordering: .relaxed) ? .json(400, #"{"message":"unavailable"}"#) : nil
        }
        defer { server.stop() }
        let curl = try CurlClient(options: CurlClientOptions(userAgent: "cache-test"))
        defer { curl.shutdown() }
        let client = LogzioClient(
            options: LogzioClientOptions(apiURL: server.baseURL, token: Secret(Self.token)), curl: curl,
            logger: Logger(label: "cache-test"))
        let ledger = try Self.ledger()
        let clock = Recorder(Self.fetchedAt)
        func load() async -> AutoDefinitions {
            await AutoDefinitions.load(
                account: Self.account, client: client, cache: ledger, store: ledger, maxAge: Self.maxAge,
                context: Self.context(clock))
        }

        let fresh = await load()
        #expect(fresh.available && fresh.failure == nil)
        #expect(try ledger.cachedDefinitions(account: Self.account.key)?.fetchedAt == Self.fetchedAt)

        down.store(true, ordering: .relaxed)
        for (age, used) in [(Int64(1), true), (8, true), (9, false)] {
            clock.update { $0 = Self.fetchedAt + age }
            let loaded = await load()
            #expect(loaded.fetched, "a fetch was tried \(age) s later")
            #expect(loaded.failure?.contains("HTTP 400") == true, "\(loaded.failure ?? "no failure")")
            #expect(loaded.available == used, "Logz.io down, cache \(age) s old")
            #expect(loaded.definitions.keys.contains(101) == used)
        }
        #expect(
            try ledger.cachedDefinitions(account: Self.account.key)?.fetchedAt == Self.fetchedAt,
            "a failed fetch leaves the cache's time alone")
        #expect(standIn.requestCount == 4)
    }
}
