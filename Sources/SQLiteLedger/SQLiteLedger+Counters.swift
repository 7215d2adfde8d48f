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

    /// A run's updates in one transaction: every sweep stores a few, and one commit costs less than one
    /// each at the start-up of an empty sweep.
    public func store(_ updates: [MetricUpdate]) throws {
        let database = try writable()
        try database.transaction {
            for update in updates {
                switch update.operation {
                case .set: try set(gauge: update.name, labels: update.labels, value: update.value)
                case .add: try addMetric(update.name, labels: update.labels, value: update.value, in: database)
                }
            }
        }
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
