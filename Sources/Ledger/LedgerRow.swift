/// One row of one ledger table as typed values, the unit a ledger copy moves.
public enum LedgerRow: Sendable, Equatable {
    /// A row of `alerts`.
    case alert(AlertRow)
    /// A row of `events`.
    case event(EventRow)
    /// A row of `resolutions`.
    case resolution(ResolutionRow)
    /// A row of `metrics`.
    case counter(CounterRow)
    /// A row of `heartbeats`.
    case heartbeat(HeartbeatRow)
    /// A row of `logzio_listed_ids`.
    case listedDefinition(ListedDefinitionRow)
    /// The row of `logzio_definitions`.
    case definitionCache(DefinitionCacheRow)
    /// A row of `outbox`.
    case outbox(OutboxEntry)

    /// The table it belongs to.
    public var table: LedgerTable {
        switch self {
        case .alert: .alerts
        case .event: .events
        case .resolution: .resolutions
        case .counter: .counters
        case .heartbeat: .heartbeats
        case .listedDefinition: .definitions
        case .definitionCache: .definitionCache
        case .outbox: .outbox
        }
    }

    /// Its stored values, in the order of `table.columns`.
    public var values: [LedgerValue] {
        switch self {
        case .alert(let row): row.values
        case .event(let row): row.values
        case .resolution(let row): row.values
        case .counter(let row): [.text(row.name), .text(row.labels), .real(row.value)]
        case .heartbeat(let row): [.text(row.runID), .integer(row.firstAt), .integer(row.lastAt)]
        case .listedDefinition(let row): [.text(row.account), .integer(row.id), .integer(row.firstListedAt)]
        case .definitionCache(let row): [.text(row.account), .integer(row.fetchedAt), .text(row.definitions)]
        case .outbox(let row): row.values
        }
    }

    /// Reads a row of `table` from its stored values; a value of the wrong kind, or text no version of
    /// the schema allows, throws naming the ledger, the table and the column.
    public init(table: LedgerTable, values: [LedgerValue], location: String) throws {
        let reader = RowReader(table: table, values: values, location: location)
        switch table {
        case .alerts: self = .alert(try AlertRow(reader))
        case .events: self = .event(try EventRow(reader))
        case .resolutions: self = .resolution(try ResolutionRow(reader))
        case .counters:
            self = .counter(CounterRow(name: try reader.text(0), labels: try reader.text(1), value: try reader.real(2)))
        case .heartbeats:
            self = .heartbeat(
                HeartbeatRow(runID: try reader.text(0), firstAt: try reader.integer(1), lastAt: try reader.integer(2)))
        case .definitions:
            self = .listedDefinition(
                ListedDefinitionRow(
                    account: try reader.text(0), id: try reader.integer(1), firstListedAt: try reader.integer(2)))
        case .definitionCache:
            self = .definitionCache(
                DefinitionCacheRow(
                    account: try reader.text(0), fetchedAt: try reader.integer(1), definitions: try reader.text(2)))
        case .outbox: self = .outbox(try OutboxEntry(reader))
        }
    }
}
