/// Records forwarded events: each alert's current state follows its newest event.
public protocol AlertRecording: LedgerRole {
    /// Records events in one transaction: all of them or none.
    func record(_ events: [IncomingEvent], recordedAt: Int64) throws

    /// Records the events `body` passes to its argument in one transaction, committed only when
    /// `body` returns true; otherwise nothing is written. Returns whether it committed.
    func recordStream(
        recordedAt: Int64,
        _ body: (_ record: (IncomingEvent) throws -> Void) throws -> Bool
    ) throws -> Bool
}
