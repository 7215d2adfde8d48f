import Ledger
import Testing

/// The rules every backend obeys, as values: recording's state machine, the fence's states, the
/// rejection count and the refire window. The contract tests run them through both backends.
@Suite struct LedgerRulesTests {
    @Test func aNewAlertTakesItsEventsState() {
        let critical = LedgerRules.recording(isOK: false, receivedAt: 100, existing: nil)
        #expect(critical.becomesCurrent && critical.state == .open && !critical.opensEpisode)
        #expect(critical.resolved == nil && !critical.mayRefire)
        let ok = LedgerRules.recording(isOK: true, receivedAt: 100, existing: nil)
        #expect(ok.state == .resolved && ok.resolved?.at == 100 && ok.resolved?.by == .event)
    }

    @Test(arguments: [
        // (existing state, last received, event ok?, received at, current?, state, new episode?, may refire?)
        (AlertState.open, Int64(100), false, Int64(100), true, AlertState.open, false, false),
        (.open, 100, false, 99, false, .open, false, false),
        (.open, 100, true, 101, true, .resolved, false, false),
        (.resolved, 100, false, 101, true, .open, true, true),
        (.rejected, 100, false, 101, true, .open, true, false),
        (.resolved, 100, true, 101, true, .resolved, false, false),
        (.resolved, 100, false, 50, false, .open, true, true),
    ])
    func anEventOnAKnownAlert(
        existing: AlertState, lastReceived: Int64, isOK: Bool, receivedAt: Int64, current: Bool, state: AlertState,
        episode: Bool, refire: Bool
    ) {
        let recording = LedgerRules.recording(
            isOK: isOK, receivedAt: receivedAt, existing: (existing, lastReceived))
        #expect(recording.becomesCurrent == current, "ties go to the event recorded last; older ones are history")
        #expect(recording.state == state)
        #expect(recording.opensEpisode == episode)
        #expect(recording.mayRefire == refire)
    }

    @Test func theRefireWindowIsOneHourAfterOurOK() {
        #expect(LedgerRules.isRefire(receivedAt: 1_000, afterOKSentAt: 1_000))
        #expect(LedgerRules.isRefire(receivedAt: 4_600, afterOKSentAt: 1_000))
        #expect(!LedgerRules.isRefire(receivedAt: 4_601, afterOKSentAt: 1_000))
        #expect(!LedgerRules.isRefire(receivedAt: 999, afterOKSentAt: 1_000))
    }

    @Test func theFenceAndRejection() {
        #expect(LedgerRules.rejectedAfterRuns == 3)
        #expect(AlertState.sqlList([.open, .resolved]) == "('open', 'resolved')")
    }
}
