public import Ledger
import Postgres
public import ResolverMetrics

extension PostgresLedger: Counters {
    public func add(to name: MetricName, labels: MetricLabels, value: Double) throws {
        try writing { connection in try addMetric(name, labels: labels, value: value, in: connection) }
    }

    public func set(gauge name: MetricName, labels: MetricLabels, value: Double) throws {
        try writing { connection in
            try connection.query(
                """
                INSERT INTO metrics (name, labels, value) VALUES ($1, $2, $3)
                ON CONFLICT (name, labels) DO UPDATE SET value = excluded.value
                """,
                [.text(name.rawValue), .text(labels.text), .real(value)])
        }
    }

    public func metricSamples() throws -> [MetricSample] {
        let result = try guarded {
            try connection.query("SELECT name, labels, value FROM metrics ORDER BY name, labels")
        }
        return (0..<result.count).map { row in
            MetricSample(
                name: MetricName(stored: result.text(row, 0)), labels: MetricLabels(stored: result.text(row, 1)),
                value: result.double(row, 2))
        }
    }
}
