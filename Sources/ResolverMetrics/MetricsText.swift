/// The Prometheus text exposition of logzio-resolver's metrics, for the node_exporter textfile
/// collector and the relay's `GET /metrics`.
public enum MetricsText {
    /// Renders samples grouped under their families' HELP and TYPE lines.
    ///
    /// - Parameters:
    ///   - stored: counters and gauges from the ledger.
    ///   - live: samples computed now (they replace stored ones with the same name and labels).
    ///   - extraFamilies: more families (the relay's), rendered after the standard ones.
    public static func render(stored: [MetricSample], live: [MetricSample], extraFamilies: [MetricFamily] = [])
        -> String
    {
        var samples: [MetricName: [(labels: MetricLabels, value: Double)]] = [:]
        for sample in stored + live {
            var list = samples[sample.name] ?? []
            list.removeAll { $0.labels == sample.labels }
            list.append((sample.labels, sample.value))
            samples[sample.name] = list
        }
        var text = ""
        for family in MetricFamily.standard + extraFamilies {
            text += "# HELP \(family.name) \(family.help)\n# TYPE \(family.name) \(family.kind.rawValue)\n"
            var list = samples[family.name] ?? []
            if list.isEmpty, family.zeroWhenAbsent { list = [(.none, 0)] }
            for (labels, value) in list.sorted(by: { $0.labels < $1.labels }) {
                text += labels.text.isEmpty ? family.name.rawValue : "\(family.name){\(labels)}"
                text += " \(format(value))\n"
            }
        }
        return text
    }

    static func format(_ value: Double) -> String {
        if value.isFinite, value == value.rounded(), abs(value) < 1e15 { return String(Int64(value)) }
        return String(value)
    }
}
