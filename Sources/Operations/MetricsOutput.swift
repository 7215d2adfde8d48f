import Curl
public import Ledger
import Logging
public import Reconcile
public import ResolverConfiguration
public import ResolverMetrics

#if canImport(Glibc)
    import Glibc
#endif

/// Writes a run's metrics where the operator asked: the node_exporter textfile, a Prometheus Pushgateway,
/// or both. A failure is one warning, never fatal: the run's own outcome decides the exit code.
public struct MetricsOutput {
    /// The process's environment, clock and logger.
    public var context: OperationContext
    /// The textfile (`--metrics-file`, else `metrics_file`).
    public var file: String?
    /// The Pushgateway (`--metrics-push`, else `metrics_push`).
    public var push: String?
    /// The push's timeout (`bigpanda.timeout`).
    public var timeout: Duration = .seconds(10)
    /// A CA bundle for a Pushgateway behind a private CA (`bigpanda.ca_file`).
    public var caFile: String?

    /// Creates an output to `file` and `push`, either of which may be nil.
    public init(context: OperationContext, file: String?, push: String?) {
        self.context = context
        self.file = file
        self.push = push
    }

    /// The output a run's flags (`--metrics-file`, `--metrics-push`) and the config say, flags first.
    public init(config: ResolverConfig, context: OperationContext, file: String?, push: String?) {
        self.init(context: context, file: file ?? config.metricsFile, push: push ?? config.metricsPush)
        timeout = config.timeout
        caFile = config.caFile
    }

    /// Whether the run has anywhere to write its metrics.
    public var isWanted: Bool { file != nil || push != nil }

    /// Stores `run` in `ledger` (when open), then rewrites the textfile and pushes the same text.
    ///
    /// The run's counters and gauges are stored whether or not it writes them anywhere: the relay's
    /// `GET /metrics`, and a later run's file or push, read them from the ledger.
    public func write(_ run: RunMetrics, ledger: (any Counters & SweepQueries)?, now: Int64) async {
        if let ledger, !run.updates.isEmpty {
            do {
                try ledger.store(run.updates)
            } catch {
                fail("cannot store the run's metrics in the ledger", error: "\(error)")
            }
        }
        guard isWanted else { return }
        let text: String
        do {
            text = try MetricsExposition.text(run: run, ledger: ledger, now: now)
        } catch {
            fail("cannot read the metrics from the ledger", error: "\(error)")
            return
        }
        if let file {
            do {
                try MetricsFile.write(text, to: file)
            } catch {
                context.logger.error(
                    "cannot write the metrics", metadata: ["metrics.file": "\(file)", "error": "\(error)"])
                context.warn("\(error)")
            }
        }
        if let push { await self.push(text, to: push) }
    }

    /// The Pushgateway group of this host's runs: `{url}/metrics/job/logzio-resolver/instance/<hostname>`.
    static func groupURL(_ base: String, host: String) -> String {
        var root = base
        while root.hasSuffix("/") { root.removeLast() }
        return root + "/metrics/job/logzio-resolver/instance/" + PercentEncoding.encoded(host)
    }

    /// `PUT`s the text to the Pushgateway, replacing this host's group; no retry: the next run pushes again.
    private func push(_ text: String, to base: String) async {
        let url = Self.groupURL(base, host: Self.hostname)
        do {
            let curl = try CurlClient.started(caFile: caFile)
            defer { curl.shutdown() }
            let response = try await curl.send(
                HTTPRequest(
                    method: "PUT", url: url,
                    headers: [HTTPHeader("Content-Type", "text/plain; version=0.0.4")], body: Array(text.utf8),
                    timeout: timeout))
            guard (200..<300).contains(response.status) else {
                fail("cannot push the metrics to \(url)", error: "HTTP \(response.status): \(response.errorText)")
                return
            }
        } catch {
            fail("cannot push the metrics to \(url)", error: "\(error)")
        }
    }

    /// One warning: a push or a read that failed never changes the run's outcome.
    private func fail(_ message: String, error: String) {
        context.logger.warning("\(message)", metadata: ["error": "\(error)"])
    }

    /// This host's name, as the Pushgateway group's instance.
    static var hostname: String {
        var buffer = [CChar](repeating: 0, count: 256)
        guard gethostname(&buffer, buffer.count) == 0 else { return "localhost" }
        let name = String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
        return name.isEmpty ? "localhost" : name
    }
}

extension RunMetrics {
    /// Reconcile's gauges (BigPanda's active and untracked alerts) and, when `storing`, its drift.
    public static func reconcile(_ report: ReconcileReport, storing: Bool) -> RunMetrics {
        .reconcile(
            bigPandaActive: report.bigPandaActive, untracked: report.count(.untracked), drift: report.count(.drift),
            storing: storing)
    }
}
