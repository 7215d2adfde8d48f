public import Ledger

/// Where metric samples are kept across runs: the ledger's counters and its open-alert summary.
public typealias MetricStore = Counters & SweepQueries
