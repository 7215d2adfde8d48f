extension LedgerRow {
    /// A row of `metrics`: one counter or gauge series.
    public struct CounterRow: Sendable, Equatable {
        /// The metric name.
        public var name: String
        /// The label text without braces, or empty.
        public var labels: String
        /// The value.
        public var value: Double
    }

    /// A row of `heartbeats`: one relay run's first and last heartbeat.
    public struct HeartbeatRow: Sendable, Equatable {
        /// The relay run.
        public var runID: String
        /// Its first heartbeat, in epoch seconds.
        public var firstAt: Int64
        /// Its last heartbeat, in epoch seconds.
        public var lastAt: Int64
    }

    /// A row of `logzio_listed_ids`: a Logz.io definition id some fetch of an account listed.
    public struct ListedDefinitionRow: Sendable, Equatable {
        /// The account (empty for the top-level account).
        public var account: String
        /// The definition id.
        public var id: Int64
        /// When a fetch first listed it, in epoch seconds.
        public var firstListedAt: Int64
    }

    /// A row of `logzio_definitions`: an account's last fetched definitions.
    public struct DefinitionCacheRow: Sendable, Equatable {
        /// The account (empty for the top-level account).
        public var account: String
        /// When they were fetched, in epoch seconds.
        public var fetchedAt: Int64
        /// The definitions, as JSON text.
        public var definitions: String
    }
}
