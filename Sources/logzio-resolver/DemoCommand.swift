import Alerts
import AlertsStandIn
import ArgumentParser
import BigPanda
import Curl
import Ledger
import Logging
import Staleness
import Sweep

#if canImport(Glibc)
    import Glibc
#endif

/// `demo`: a real sweep through libcurl against a local stand-in for BigPanda, with no account needed.
struct DemoCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "demo",
        abstract: "Show a sweep end to end against a local stand-in for BigPanda (no account needed).",
        discussion: "Uses a temporary ledger, which it deletes afterwards. Sends nothing outside this machine."
    )

    @OptionGroup var logging: LoggingOptions

    private static let token = "demo-token-not-a-secret"
    private static let appKey = "demo-app-key"

    func run() async throws {
        let logger = logging.makeLogger()
        var template = Array("/tmp/logzio-resolver-demo.XXXXXX".utf8CString)
        guard let made = mkdtemp(&template) else {
            throw CLIError(code: 1, message: "cannot make a temporary directory: \(String(cString: strerror(errno)))")
        }
        let directory = String(cString: made)
        let ledgerPath = directory + "/ledger.sqlite"
        defer {
            for suffix in ["", "-wal", "-shm", ".lock"] { unlink(ledgerPath + suffix) }
            rmdir(directory)
        }
        let standIn: AlertsStandIn
        do {
            standIn = try AlertsStandIn(token: Self.token, appKeys: [Self.appKey])
        } catch {
            throw CLIError(code: 1, message: "cannot start the local stand-in: \(error)")
        }
        defer { standIn.stop() }

        let now = wallClock()
        let samples: [(fields: [(String, JSONValue)], ago: Int64)] = [
            ([("host", .string("web-1")), ("check", .string("High error rate"))], 3 * 3600 + 12 * 60),
            ([("service", .string("payments-api")), ("check", .string("p99 latency above 2s"))], 2 * 3600),
            ([("host", .string("db-1")), ("check", .string("Disk almost full"))], 9 * 3600),
            ([("host", .string("web-2")), ("check", .string("5xx spike"))], 10 * 60),
            ([("host", .string("worker-7")), ("check", .string("Queue backlog"))], 95 * 60),
        ]
        let ledger = try openLedger(ledgerPath)
        var events: [IncomingEvent] = []
        for sample in samples {
            var payload = JSONObject([("app_key", .string(Self.appKey)), ("status", .string("critical"))])
            for (key, value) in sample.fields { payload[key] = value }
            payload["description"] = .string("Logz.io alert fired")
            payload["severity"] = .string("HIGH")
            do {
                let alert = try Alert.validate(.object(payload), defaultAppKey: nil)
                events.append(IncomingEvent(alert: alert, receivedAt: now - sample.ago))
            } catch {
                throw CLIError(code: 1, message: "demo data is invalid: \(error)")
            }
        }
        try ledger.record(events, recordedAt: now)

        let policy = StalenessPolicy(
            defaultStaleAfter: .seconds(3600),
            rules: try demoRules()
        )
        Output.line(
            "logzio-resolver demo: a temporary ledger, and a stand-in for BigPanda's Alerts API at \(standIn.alertsURL)"
        )
        Output.line("")
        Output.line(
            "Rules: stale_after 1h by default; \"payments\" (service: payments*) 3h; \"disks-by-hand\" (check: Disk*) never."
        )
        Output.line("Recorded \(events.count) alerts as if Logz.io had forwarded them:")
        for event in events {
            Output.line(
                "  \(event.alert.identity.display)  (last notification \(DurationText.format(now - event.receivedAt)) ago)"
            )
        }

        let curl: CurlClient
        do {
            curl = try CurlClient(options: CurlClientOptions(userAgent: AlertsClient.userAgent))
        } catch {
            throw CLIError(code: 1, message: "cannot start the HTTP client: \(error)")
        }
        defer { curl.shutdown() }
        var clientOptions = AlertsClientOptions(alertsURL: standIn.alertsURL, token: Secret(Self.token))
        clientOptions.requestsPerSecond = 0
        clientOptions.deadline = 10
        let client = AlertsClient(options: clientOptions, curl: curl, logger: logger)
        var options = SweepOptions(now: now, policy: policy)
        options.maxResolveFraction = 1
        let report = try await Sweeper(
            ledger: ledger, options: options, client: client, logger: logger, wallClock: wallClock
        ).run()

        Output.line("")
        Output.line(
            "Sweep (through libcurl): \(report.open) open, \(report.stale) stale, \(report.resolved) resolved, \(report.failed) failed."
        )
        for action in report.actions.sorted(by: { $0.action == .resolved && $1.action != .resolved }) {
            let verb = action.action == .resolved ? "closed" : action.action.rawValue
            let status = action.httpStatus.map { " [BigPanda stand-in answered \($0)]" } ?? ""
            Output.line("  \(verb.padding(6))  \(action.identity): \(action.reason)\(status)")
        }
        let received = standIn.received
        Output.line("")
        Output.line(
            "The stand-in accepted \(received.count) ok event\(received.count == 1 ? "" : "s") in \(standIn.requestCount) request\(standIn.requestCount == 1 ? "" : "s"). The first one:"
        )
        if let first = received.first {
            Output.line("  " + first.alert.serialized())
        }
        Output.line("")
        Output.line(
            "Next: point logzio-resolver at your ledger and BigPanda (see README.md), preview with `sweep --dry-run`, then add cron.example to your crontab."
        )
        if report.failed > 0 {
            throw CLIError(
                code: 1,
                message:
                    "the demo sweep did not deliver \(report.failed) ok events: \(report.errors.joined(separator: "; "))"
            )
        }
    }

    private func demoRules() throws -> [Rule] {
        do {
            return [
                Rule(
                    name: "payments", match: [("service", try GlobPattern("payments*"))], staleAfter: .seconds(3 * 3600)
                ),
                Rule(name: "disks-by-hand", match: [("check", try GlobPattern("Disk*"))], staleAfter: .never),
            ]
        } catch {
            throw CLIError(code: 1, message: "demo rules are invalid: \(error.reason)")
        }
    }
}

extension String {
    /// The string padded with spaces to `width` characters.
    func padding(_ width: Int) -> String {
        count >= width ? self : self + String(repeating: " ", count: width - count)
    }
}
