/// Reads the recorded events as history, for replays; never writes.
public protocol HistoryReading: LedgerRole {
    /// Calls `body` for each event received at or after `since` (epoch seconds), streaming, ordered by
    /// alert, then receive time, then the order of recording.
    func forEachEvent(since: Int64, _ body: (HistoryEvent) throws -> Void) throws
}
