/// Every role a ledger backend provides: the store, reconciling, the definition cache and history.
public typealias LedgerBackend = LedgerStore & ReconcileStore & DefinitionCache & HistoryReading
