public import Ledger

#if canImport(Glibc)
    import Glibc
#endif

/// The Prometheus text exposition of logzio-resolver's metrics, for the node_exporter textfile
/// collector and the relay's `GET /metrics`.
public enum MetricsText {
    /// A metric's name, type and help text.
    public struct Family: Sendable {
        /// The metric name.
        public var name: String
        /// `counter` or `gauge`.
        public var type: String
        /// One line of help.
        public var help: String

        /// Creates a family.
        public init(name: String, type: String, help: String) {
            self.name = name
            self.type = type
            self.help = help
        }
    }

    /// The families every exposition carries, in order.
    public static let families: [Family] = [
        Family(
            name: MetricName.lastRun, type: "gauge", help: "Wall-clock time the last sweep finished, in epoch seconds."),
        Family(
            name: MetricName.lastSuccess, type: "gauge",
            help: "Wall-clock time the last sending sweep that exited 0 finished, in epoch seconds."),
        Family(name: MetricName.runDuration, type: "gauge", help: "How long the last sweep took, in seconds."),
        Family(name: "logzio_resolver_open_alerts", type: "gauge", help: "Alerts open in the ledger."),
        Family(name: MetricName.stale, type: "gauge", help: "Stale alerts the last sweep found in its scope."),
        Family(name: MetricName.resolved, type: "counter", help: "ok events BigPanda accepted, by app key and rule."),
        Family(
            name: MetricName.failed, type: "counter",
            help: "ok events not delivered (failed or rejected), by app key and rule."),
        Family(name: MetricName.heldRuns, type: "counter", help: "Sweeps held by a safety limit."),
        Family(
            name: MetricName.bigPandaActive, type: "gauge",
            help: "Active alerts in reconcile's scope at BigPanda's last search."),
        Family(
            name: MetricName.untracked, type: "gauge",
            help: "Alerts active in BigPanda that the ledger did not track, at the last search."),
        Family(
            name: MetricName.drift, type: "counter",
            help: "Alerts found still active in BigPanda after our close was accepted."),
        Family(
            name: MetricName.definitionFetchFailures, type: "counter",
            help: "Runs that could not fetch the Logz.io alert definitions stale_after: auto needed."),
        Family(
            name: "logzio_resolver_oldest_open_alert_age_seconds", type: "gauge",
            help: "Seconds since the oldest open alert was last notified (0 when none is open)."),
        Family(
            name: MetricName.refired, type: "counter",
            help:
                "Non-ok events received within 1 h after an ok of ours was accepted, by rule; a high rate means stale_after is too short."
        ),
    ]

    /// Renders samples grouped under their families' HELP and TYPE lines.
    ///
    /// - Parameters:
    ///   - stored: counters and gauges from the ledger.
    ///   - live: samples computed now (they replace stored ones with the same name and labels).
    ///   - extraFamilies: more families (the relay's), rendered after the standard ones.
    public static func render(stored: [MetricSample], live: [MetricSample], extraFamilies: [Family] = []) -> String {
        var samples: [String: [(labels: String, value: Double)]] = [:]
        for sample in stored + live {
            var list = samples[sample.name] ?? []
            list.removeAll { $0.labels == sample.labels }
            list.append((sample.labels, sample.value))
            samples[sample.name] = list
        }
        var text = ""
        for family in families + extraFamilies {
            text += "# HELP \(family.name) \(family.help)\n# TYPE \(family.name) \(family.type)\n"
            var list = samples[family.name] ?? []
            if list.isEmpty, family.type == "gauge" || family.name == MetricName.heldRuns { list = [("", 0)] }
            for (labels, value) in list.sorted(by: { $0.labels < $1.labels }) {
                text += labels.isEmpty ? family.name : "\(family.name){\(labels)}"
                text += " \(format(value))\n"
            }
        }
        return text
    }

    /// The live gauges about open alerts, from the ledger, at wall-clock `now`.
    public static func openGauges(_ summary: OpenSummary, now: Int64) -> [MetricSample] {
        [
            MetricSample(name: "logzio_resolver_open_alerts", labels: "", value: Double(summary.open)),
            MetricSample(
                name: "logzio_resolver_oldest_open_alert_age_seconds", labels: "",
                value: Double(summary.oldestLastReceived.map { max(0, now - $0) } ?? 0)),
        ]
    }

    static func format(_ value: Double) -> String {
        if value.isFinite, value == value.rounded(), abs(value) < 1e15 { return String(Int64(value)) }
        return String(value)
    }

    /// Writes `text` to `path` atomically: a temporary file beside it, fsync, then rename.
    public static func writeFile(_ text: String, to path: String) throws(MetricsFileError) {
        let temporary = path + ".tmp.\(getpid())"
        let fd = open(temporary, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o644)
        guard fd >= 0 else { throw MetricsFileError(path: path, reason: String(cString: strerror(errno))) }
        var bytes = Array(text.utf8)
        var offset = 0
        while offset < bytes.count {
            let written = bytes.withUnsafeMutableBytes {
                Glibc.write(fd, $0.baseAddress?.advanced(by: offset), $0.count - offset)
            }
            if written < 0 {
                if errno == EINTR { continue }
                let reason = String(cString: strerror(errno))
                close(fd)
                unlink(temporary)
                throw MetricsFileError(path: path, reason: reason)
            }
            offset += written
        }
        fsync(fd)
        close(fd)
        guard rename(temporary, path) == 0 else {
            let reason = String(cString: strerror(errno))
            unlink(temporary)
            throw MetricsFileError(path: path, reason: reason)
        }
        bytes.removeAll()
    }
}

/// Why the metrics file could not be written.
public struct MetricsFileError: Error, Sendable, CustomStringConvertible {
    /// The metrics file.
    public var path: String
    /// The system's reason.
    public var reason: String

    public var description: String {
        "cannot write the metrics file \(path): \(reason); check the directory exists and is writable"
    }
}
