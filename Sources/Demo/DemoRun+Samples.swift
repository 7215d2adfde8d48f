import Alerts
import AlertsStandIn
import Ledger
import Operations
import Staleness

extension DemoRun {
    /// The stand-in's BigPanda copy of an alert that was forwarded.
    func standInAlert(_ event: IncomingEvent, id: String) -> StandInAlert {
        let payload = event.alert.payload
        let primary = payload["host"] != nil ? "host" : "service"
        var alert = StandInAlert(
            id: id, sourceSystem: "logzio.demo",
            tags: payload.filter { !["app_key", "status", "description"].contains($0.key) }.map { ($0.key, $0.value) },
            primaryProperty: primary, secondaryProperty: "check", lastEventAt: event.receivedAt)
        alert.appKey = Self.appKey
        return alert
    }

    /// An alert BigPanda shows that was forwarded before logzio-resolver was installed.
    func demoRemote(_ id: String, host: String, check: String, ago: Int64) -> StandInAlert {
        StandInAlert(
            id: id, sourceSystem: "logzio.demo", tags: [("host", .string(host)), ("check", .string(check))],
            primaryProperty: "host", secondaryProperty: "check", lastEventAt: wallClock() - ago)
    }

    /// The demo's staleness rules.
    func demoRules() throws -> [Rule] {
        do {
            return [
                Rule(
                    name: "payments", match: [("service", try GlobPattern("payments*"))],
                    staleAfter: .after(.seconds(3 * 3600))
                ),
                Rule(name: "disks-by-hand", match: [("check", try GlobPattern("Disk*"))], staleAfter: .never),
                Rule(name: "search", match: [("service", try GlobPattern("search*"))], staleAfter: .auto),
            ]
        } catch {
            throw OperationError.failed("demo rules are invalid: \(error.reason)")
        }
    }
}
