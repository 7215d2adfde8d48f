/// Every role a ledger backend provides: the store, reconciling, the definition cache, history and
/// moving the whole ledger.
public typealias LedgerBackend = LedgerStore & ReconcileStore & DefinitionCache & HistoryReading & LedgerTransfer
