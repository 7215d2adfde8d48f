/// What one rule's silences did in a replay, under its own `stale_after` and under each ladder value.
struct RuleTally: Sendable {
    var alerts = 0
    var resolves = 0
    var premature = 0
    var openAtEnd = 0
    var silences = SilenceHistogram()
    /// Resolves and premature resolves under each `StaleLadder` value, in ladder order.
    var ladderResolves = [Int](repeating: 0, count: StaleLadder.seconds.count)
    var ladderPremature = [Int](repeating: 0, count: StaleLadder.seconds.count)
    /// The serial number of the last alert counted in `alerts`, so each alert counts once.
    var lastAlertSerial = -1

    func figures(rule: String) -> RuleFigures {
        RuleFigures(
            rule: rule, alerts: alerts, resolves: resolves, premature: premature,
            silenceMedian: silences.quantile(0.5), silenceP90: silences.quantile(0.9), openAtEnd: openAtEnd)
    }
}
