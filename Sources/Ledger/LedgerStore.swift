/// The ledger: every forwarded event, each alert's state, and every `ok` sent, as the roles a sweep
/// and the relay use together.
///
/// SQLite is the embedded default. A store is used from one task at a time. A caller that needs one
/// role takes that role alone.
public typealias LedgerStore =
    AlertRecording & SweepQueries & Outbox & Heartbeats & Counters & Retention & SweepClaims
