public import Ledger
public import ResolverMetrics

extension SQLiteLedger: Counters {
    public func add(to name: MetricName, labels: MetricLabels, value: Double) throws {
        try addMetric(name, labels: labels, value: value, in: try writable())
    }

    public func set(gauge name: MetricName, labels: MetricLabels, value: Double) throws {
        try writable().statement(
            """
            INSERT INTO metrics (name, labels, value) VALUES (?1, ?2, ?3)
            ON CONFLICT (name, labels) DO UPDATE SET value = excluded.value
            """
        ).run([.text(name.rawValue), .text(labels.text), .real(value)])
    }

    public func metricSamples() throws -> [MetricSample] {
        let statement = try database.statement("SELECT name, labels, value FROM metrics ORDER BY name, labels")
        defer { statement.reset() }
        var samples: [MetricSample] = []
        while try statement.step() {
            samples.append(
                MetricSample(
                    name: MetricName(stored: statement.text(0)), labels: MetricLabels(stored: statement.text(1)),
                    value: statement.double(2)))
        }
        return samples
    }
}
