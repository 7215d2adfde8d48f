import Alerts
public import Staleness

/// How often a firing Logz.io alert can notify again, as its definition says: P in SPEC.md's
/// `stale_after: auto`.
public struct RenotifyPeriod: Sendable, Equatable {
    /// The definition's id.
    public var definitionID: Int64
    /// `searchTimeFrameMinutes`, when present.
    public var timeFrame: Duration?
    /// `output.suppressNotificationsMinutes`, when present.
    public var wait: Duration?
    /// The schedule's longest gap in the 7 days after now, when the alert has a schedule.
    public var scheduleGap: Duration?

    /// Reads the period of an enabled or disabled definition at `now` (epoch seconds; it only
    /// matters for a schedule).
    ///
    /// - Throws: `RenotifyPeriodError` when the definition has neither time frame, wait nor
    ///   schedule, or its schedule is unusable (see `CronExpression.longestGap(after:timeZone:)`).
    public init(definition: AlertDefinition, now: Int64) throws(RenotifyPeriodError) {
        definitionID = definition.id
        timeFrame = definition.searchTimeFrameMinutes.map(Self.minutesToSeconds)
        wait = definition.suppressNotificationsMinutes.map(Self.minutesToSeconds)
        if let expression = definition.cronExpression {
            do {
                scheduleGap = .seconds(
                    try CronExpression.longestGap(of: expression, timeZone: definition.timeZone, after: now))
            } catch {
                throw .unusableSchedule(definitionID: definition.id, error)
            }
        }
        guard timeFrame != nil || wait != nil || scheduleGap != nil else {
            throw .noTiming(definitionID: definition.id)
        }
    }

    /// P: the longer of the time frame and the wait, and at least the schedule's longest gap.
    public var length: Duration {
        max(timeFrame ?? .zero, wait ?? .zero, scheduleGap ?? .zero)
    }

    /// E, the trigger period: the longer of the time frame and the schedule's longest gap. A firing
    /// definition logs a trigger at least once per E, whatever its wait; nil when it has neither.
    public var triggerPeriod: Duration? {
        guard timeFrame != nil || scheduleGap != nil else { return nil }
        return max(timeFrame ?? .zero, scheduleGap ?? .zero)
    }

    /// `stale_after = max(auto_min, auto_factor × P + 2m)`, rounded up to whole seconds, with the
    /// derivation a person reads in `list --json` and `check`. When the definition's triggers are verified
    /// (the trigger log shows them), the period is E instead of P: the wait no longer matters.
    public func staleAfter(_ parameters: AutoParameters, triggersVerified: Bool = false) -> AutoResolution {
        let trigger = triggersVerified ? triggerPeriod : nil
        let period = trigger ?? length
        let formula = Self.wholeSecondsAtLeast(parameters.factor * Double(period.wholeSeconds) + 120)
        var parts: [String] = []
        if let timeFrame { parts.append("time frame \(DurationText.format(timeFrame))") }
        if trigger == nil, let wait { parts.append("wait \(DurationText.format(wait))") }
        let shown = trigger == nil ? max(timeFrame ?? .zero, wait ?? .zero) : timeFrame ?? .zero
        if let scheduleGap, scheduleGap > shown { parts.append("schedule gap \(DurationText.format(scheduleGap))") }
        if trigger != nil { parts.append("triggers logged") }
        let formulaText = "\(parameters.factorText) × \(DurationText.format(period)) + 2m"
        let head = "auto: Logz.io alert \(definitionID), \(parts.joined(separator: ", ")) → "
        let minimum = parameters.minimum.wholeSeconds
        if minimum > formula {
            return .staleAfter(
                .seconds(minimum),
                source: head + "auto_min \(DurationText.format(parameters.minimum)) "
                    + "(\(formulaText) is only \(DurationText.format(formula)))")
        }
        return .staleAfter(.seconds(formula), source: head + formulaText)
    }

    /// A non-negative amount rounded up to whole seconds, where a value within a billionth of a
    /// whole number counts as that number, so that 1.1 × 10m is 660 s and not 661 s.
    static func wholeSecondsAtLeast(_ value: Double) -> Int64 {
        let nearest = value.rounded()
        let whole = abs(value - nearest) <= 1e-9 * max(1, abs(value)) ? nearest : value.rounded(.up)
        // Anything beyond about 285 000 years is as good as never; this keeps the conversion in range.
        guard whole < 9e18 else { return 9_000_000_000_000_000_000 }
        return Int64(max(0, whole))
    }

    /// Minutes as a span; an amount too large for Int64 seconds is as good as never.
    private static func minutesToSeconds(_ minutes: Int64) -> Duration {
        let (seconds, overflow) = minutes.multipliedReportingOverflow(by: 60)
        return .seconds(overflow ? .max / 2 : seconds)
    }
}
