/// What a replay found for one rule, or for all of them together.
public struct RuleFigures: Sendable, Equatable {
    /// The rule's name, `default`, or `total`.
    public var rule: String
    /// Alerts with at least one replayed event under this rule.
    public var alerts: Int
    /// Replayed resolves.
    public var resolves: Int
    /// Replayed resolves in a silence that a re-notification ended within the refire window.
    public var premature: Int
    /// The silence the sweep saw at resolve (observed silence with heartbeats): median, in seconds.
    public var silenceMedian: Int64?
    /// The same silence's 90th percentile, in seconds.
    public var silenceP90: Int64?
    /// Alerts still open at the end of the replay.
    public var openAtEnd: Int

    /// Creates figures.
    public init(
        rule: String, alerts: Int, resolves: Int, premature: Int, silenceMedian: Int64?, silenceP90: Int64?,
        openAtEnd: Int
    ) {
        self.rule = rule
        self.alerts = alerts
        self.resolves = resolves
        self.premature = premature
        self.silenceMedian = silenceMedian
        self.silenceP90 = silenceP90
        self.openAtEnd = openAtEnd
    }

    /// Premature resolves as a percentage of resolves, to one decimal; 0 when nothing was resolved.
    public var prematurePercent: Double {
        guard resolves > 0 else { return 0 }
        return (Double(premature) * 1000 / Double(resolves)).rounded() / 10
    }
}
