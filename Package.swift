// swift-tools-version:6.0
import PackageDescription

let swiftSettings: [SwiftSetting] = [
    .enableUpcomingFeature("ExistentialAny"),
    .enableUpcomingFeature("MemberImportVisibility"),
    .enableUpcomingFeature("InternalImportsByDefault"),
]

var package = Package(
    name: "logzio-resolver",
    platforms: [.macOS(.v15)],
    products: [
        .executable(name: "logzio-resolver", targets: ["logzio-resolver"])
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-log", from: "1.16.2"),
        .package(url: "https://github.com/jpsim/Yams", from: "6.2.2"),
        .package(url: "https://github.com/hummingbird-project/hummingbird", from: "2.28.1"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle", from: "2.13.0"),
        .package(url: "https://github.com/apple/swift-nio", from: "2.101.2"),
        .package(url: "https://github.com/apple/swift-http-types", from: "1.8.0"),
    ],
    targets: [
        // C libraries, reached through typed shims.
        .systemLibrary(
            name: "CCurl",
            pkgConfig: "libcurl",
            providers: [.apt(["libcurl4-openssl-dev"])]
        ),
        .systemLibrary(
            name: "CLibPQ",
            pkgConfig: "libpq",
            providers: [.apt(["libpq-dev"])]
        ),
        .systemLibrary(
            name: "CSQLite",
            providers: [.apt(["libsqlite3-dev"])]
        ),

        // The domain: payloads, status, identity, validation. Depends on nothing.
        .target(name: "Alerts"),
        // The one redactor: secrets in any text become `<redacted>`. Depends on nothing.
        .target(name: "Redaction"),
        // libcurl multi interface behind async/await, and the one retry loop every client runs
        // (RetryPolicy, RetryLoop, ResponseClass). The only importer of CCurl.
        .target(name: "Curl", dependencies: ["CCurl", "Threading", "Redaction", "Alerts"]),
        // A joinable POSIX thread, for the libcurl loop and the loopback server.
        .target(name: "Threading"),
        // BigPanda's Alerts API over Curl: batching, pacing, retry.
        .target(
            name: "BigPanda",
            dependencies: ["Alerts", "Curl", "Redaction", .product(name: "Logging", package: "swift-log")]
        ),
        // The ledger's role protocols, shared types and the rules every backend obeys.
        .target(name: "Ledger", dependencies: ["Alerts", "ResolverMetrics"]),
        // The embedded default: the ledger's roles on one SQLite file (or a shared in-memory database).
        .target(name: "SQLiteLedger", dependencies: ["Ledger", "Alerts", "CSQLite", "Threading", "ResolverMetrics"]),
        // libpq behind a small typed layer: connections, prepared statements, results. The only importer of CLibPQ.
        .target(name: "Postgres", dependencies: ["CLibPQ"]),
        // The ledger's roles on PostgreSQL: a shared database for relays and sweeps on several hosts.
        .target(name: "PostgresLedger", dependencies: ["Ledger", "Postgres", "Alerts"]),
        // Pure staleness rules.
        .target(name: "Staleness", dependencies: ["Alerts"]),
        // Replays the ledger's history under a staleness policy: what the rules would have done.
        .target(name: "Backtest", dependencies: ["Alerts", "Staleness"]),
        // The YAML config file, environment and defaults, validated once.
        .target(
            name: "ResolverConfiguration",
            dependencies: ["Alerts", "Staleness", "BigPanda", .product(name: "Yams", package: "Yams")]
        ),
        // Metric names, typed labels, kinds, families, the text renderer, the textfile writer and a run's
        // samples. At the bottom of the graph: the ledger stores metrics, so it depends on this.
        .target(name: "ResolverMetrics"),
        // Orchestration: select, decide, send, record.
        .target(
            name: "Sweep",
            dependencies: [
                "Alerts", "Ledger", "Staleness", "BigPanda", .product(name: "Logging", package: "swift-log"),
            ]
        ),
        // BigPanda's view against the ledger: classes, adoption, verification.
        .target(
            name: "Reconcile",
            dependencies: [
                "Alerts", "Ledger", "Staleness", "BigPanda", .product(name: "Logging", package: "swift-log"),
            ]
        ),
        // The HTTP receiver Logz.io posts to. With StandInServer, the only targets that depend on Hummingbird and NIO.
        .target(
            name: "Relay",
            dependencies: [
                "Alerts", "Ledger", "BigPanda", "Staleness", "ResolverMetrics",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "UnixSignals", package: "swift-service-lifecycle"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        // The request and response a stand-in's logic takes and gives, whatever the transport.
        .target(name: "StandInHTTP"),
        // Serves a stand-in's logic over Hummingbird on 127.0.0.1, for the demo.
        .target(
            name: "StandInServer",
            dependencies: [
                "StandInHTTP",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HTTPTypes", package: "swift-http-types"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        // A stand-in for BigPanda's Alerts API that checks requests as the real one does.
        .target(name: "AlertsStandIn", dependencies: ["Alerts", "StandInHTTP"]),
        // Logz.io alert definitions over Curl, Quartz cron gaps, and the pure re-notify period.
        .target(
            name: "Logzio",
            dependencies: [
                "Alerts", "Staleness", "Curl", "Redaction", .product(name: "Logging", package: "swift-log"),
            ]
        ),
        // A stand-in for Logz.io's alert definitions and Search APIs, for the tests and the demo.
        .target(name: "LogzioStandIn", dependencies: ["Alerts", "StandInHTTP"]),
        // The use cases the commands call: open a ledger from its location, run a sweep (with retention,
        // metrics and holds), the cleanup, the auto definitions policy.
        .target(
            name: "Operations",
            dependencies: [
                "Alerts", "Ledger", "SQLiteLedger", "Postgres", "PostgresLedger", "ResolverMetrics",
                "ResolverConfiguration", "Threading",
                "BigPanda", "Curl", "Redaction", "Staleness", "Sweep", "Reconcile", "Backtest", "Logzio",
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        // `demo`: a sweep and the cleanup against the stand-ins, served over Hummingbird on 127.0.0.1.
        .target(
            name: "Demo",
            dependencies: [
                "Alerts", "AlertsStandIn", "BigPanda", "Curl", "Ledger", "Logzio", "LogzioStandIn", "Operations",
                "Reconcile", "Redaction", "Staleness", "StandInServer", "Sweep",
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        .executableTarget(
            name: "logzio-resolver",
            dependencies: [
                "Operations", "Demo", "SQLiteLedger",
                "Alerts", "Ledger", "Staleness", "ResolverConfiguration", "Sweep", "BigPanda", "Curl", "AlertsStandIn",
                "Relay", "Reconcile", "Logzio", "LogzioStandIn", "StandInServer", "Backtest", "Postgres",
                "PostgresLedger",
                "ResolverMetrics", "Redaction",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
            ]
        ),

        // Benchmark-only: posts alerts to a relay at a fixed rate and reports latency percentiles.
        .executableTarget(name: "relay-load", dependencies: ["Curl"], path: "benchmarks/relay-load"),

        // The helpers the test targets share: LoopbackHTTP (a small HTTP/1.1 server with wire-level faults)
        // and the stand-ins served over it, the throwaway PostgreSQL server, fuzzing, temporary directories,
        // child processes, locked values and polling.
        .target(
            name: "TestSupport", dependencies: ["Threading", "StandInHTTP", "Postgres"], path: "Tests/TestSupport"),
        .testTarget(name: "PostgresTests", dependencies: ["Postgres", "TestSupport"]),
        .testTarget(name: "AlertsTests", dependencies: ["Alerts", "TestSupport"]),
        .testTarget(name: "RedactionTests", dependencies: ["Redaction"]),
        .testTarget(name: "CurlTests", dependencies: ["Curl", "Alerts", "TestSupport"]),
        .testTarget(
            name: "BigPandaTests",
            dependencies: [
                "BigPanda", "Alerts", "Curl", "AlertsStandIn", "Redaction", "TestSupport",
                .product(name: "Logging", package: "swift-log"),
            ]),
        .testTarget(
            name: "LedgerTests",
            dependencies: [
                "Ledger", "SQLiteLedger", "Alerts", "PostgresLedger", "Postgres", "ResolverMetrics", "Staleness",
                "TestSupport",
            ]),
        .testTarget(name: "BacktestTests", dependencies: ["Backtest", "Staleness", "Alerts", "TestSupport"]),
        .testTarget(name: "StalenessTests", dependencies: ["Staleness", "Alerts", "TestSupport"]),
        .testTarget(
            name: "ResolverConfigurationTests",
            dependencies: ["Alerts", "ResolverConfiguration", "Staleness", "BigPanda", "Redaction", "TestSupport"]),
        .testTarget(
            name: "SweepTests",
            dependencies: [
                "Sweep", "Alerts", "BigPanda", "Ledger", "SQLiteLedger", "Staleness",
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        .testTarget(name: "ResolverMetricsTests", dependencies: ["ResolverMetrics"]),
        .testTarget(name: "StandInServerTests", dependencies: ["StandInServer", "StandInHTTP", "Curl", "TestSupport"]),
        .testTarget(
            name: "RelayTests",
            dependencies: [
                "Relay", "Alerts", "Ledger", "SQLiteLedger", "BigPanda", "Curl", "Redaction", "Staleness",
                "PostgresLedger",
                "Postgres",
                "TestSupport",
            ]
        ),
        .testTarget(
            name: "OperationsTests",
            dependencies: [
                "Operations", "Alerts", "Logzio", "ResolverConfiguration", "Staleness", "Ledger", "ResolverMetrics",
                "SQLiteLedger", "LogzioStandIn", "Curl", "Redaction", "TestSupport",
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        .testTarget(
            name: "ReconcileTests",
            dependencies: [
                "Reconcile", "BigPanda", "Ledger", "SQLiteLedger", "Alerts", "Staleness",
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        .testTarget(
            name: "EndToEndTests",
            dependencies: [
                "AlertsStandIn", "LogzioStandIn", "Alerts", "Ledger", "SQLiteLedger", "Curl", "CSQLite", "Postgres",
                "TestSupport",
            ]
        ),
        .testTarget(
            name: "LogzioTests",
            dependencies: [
                "Logzio", "LogzioStandIn", "Alerts", "Curl", "Redaction", "Staleness", "TestSupport",
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
    ]
)

for target in package.targets where target.type != .system {
    target.swiftSettings = (target.swiftSettings ?? []) + swiftSettings
}
