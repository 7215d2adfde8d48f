public import Alerts
public import Staleness

/// Replays a ledger's history under a staleness policy, as sweeps every `interval` would have run it.
///
/// It works gap by gap, never step by step: for each silence between two events of one alert it
/// computes the first replayed sweep at which the sweep's own rule (`StalenessPolicy.decide`) finds
/// the alert stale, and whether that sweep comes before the next event. Events are fed one at a
/// time, grouped by alert and in receive order within an alert, so memory does not grow with the
/// history: only the event that began the current silence is kept.
public struct Replay {
    private let policy: StalenessPolicy
    private let feed: FeedLiveness?
    private let auto: AutoResolver?
    private let window: ReplayWindow
    private let ruleNames: [String]
    private let ruleStaleAfters: [StaleAfter]
    private let ruleIndex: [String: Int]
    private var tallies: [RuleTally]
    private var totalAlerts = 0
    private var events = 0
    private var alertSerial = -1
    private var currentAlert: Int64?
    private var currentAlertCounted = false
    /// The event that began the current silence of the current alert.
    private var pending: SilenceStart?
    /// The last non-`ok` payload of the current alert and its rule: re-notifications of one alert
    /// mostly repeat their match fields, so matching them again would be wasted work.
    private var lastMatched: (payload: JSONObject, rule: (index: Int, staleAfter: StaleAfter))?

    /// An event that begins a silence, with the rule the silence falls under (nil for an `ok`).
    private struct SilenceStart {
        var receivedAt: Int64
        var rule: (index: Int, staleAfter: StaleAfter)?
        var payload: JSONObject
    }

    /// Creates a replay of `policy` over `window`; `feed` is the observed liveness from heartbeats,
    /// nil when the ledger has none (then all silence counts, as in the sweep); `auto` resolves
    /// `stale_after: auto` from the cached Logz.io definitions, as the sweep does, reading `extraFields`
    /// (the definition id and the account) besides the rules'.
    public init(
        policy: StalenessPolicy, feed: FeedLiveness?, window: ReplayWindow, auto: AutoResolver? = nil,
        extraFields: Set<String> = []
    ) {
        self.policy = policy
        self.extraFields = extraFields
        self.feed = feed
        self.auto = auto
        self.window = window
        var names: [String] = []
        var staleAfters: [StaleAfter] = []
        var index: [String: Int] = [:]
        let all =
            policy.rules.map { ($0.name, $0.staleAfter) } + [
                (StalenessPolicy.defaultRuleName, policy.defaultStaleAfter)
            ]
        for (name, staleAfter) in all where index[name] == nil {
            index[name] = names.count
            names.append(name)
            staleAfters.append(staleAfter)
        }
        ruleNames = names
        ruleStaleAfters = staleAfters
        ruleIndex = index
        tallies = Array(repeating: RuleTally(), count: names.count)
    }

    /// Payload fields `auto` reads besides the rules'.
    private let extraFields: Set<String>

    /// The fields a decision reads: a caller may decode only these from each payload.
    public var matchFields: Set<String> { policy.matchFields.union(extraFields) }

    /// Adds the next event of the history.
    ///
    /// - Parameters:
    ///   - alert: an opaque key of the alert's identity; events of one alert come together.
    ///   - receivedAt: when the event was received, in epoch seconds, not before the previous one of the alert.
    ///   - isOK: whether its status is `ok`; an `ok` ends the episode, so no resolve falls after it.
    ///   - payload: the payload, or at least its `matchFields`; not read for an `ok`.
    public mutating func add(alert: Int64, receivedAt: Int64, isOK: Bool, payload: JSONObject) {
        if alert == currentAlert {
            closeSilence(nextAt: receivedAt, nextIsOK: isOK)
        } else {
            closeSilence(nextAt: nil, nextIsOK: false)
            currentAlert = alert
            alertSerial += 1
            currentAlertCounted = false
            lastMatched = nil
        }
        events += 1
        guard !isOK else {
            pending = SilenceStart(receivedAt: receivedAt, rule: nil, payload: JSONObject())
            return
        }
        let rule: (index: Int, staleAfter: StaleAfter)
        if let lastMatched, lastMatched.payload == payload {
            rule = lastMatched.rule
        } else {
            rule = self.rule(for: payload)
            lastMatched = (payload, rule)
        }
        if !currentAlertCounted {
            currentAlertCounted = true
            totalAlerts += 1
        }
        if tallies[rule.index].lastAlertSerial != alertSerial {
            tallies[rule.index].lastAlertSerial = alertSerial
            tallies[rule.index].alerts += 1
        }
        pending = SilenceStart(receivedAt: receivedAt, rule: rule, payload: payload)
    }

    /// Ends the replay (closing each alert's last silence) and returns the figures and suggestions.
    public mutating func finish() -> ReplayReport {
        closeSilence(nextAt: nil, nextIsOK: false)
        currentAlert = nil
        var total = RuleTally()
        var rules: [(figures: RuleFigures, staleAfter: StaleAfter)] = []
        var suggestions: [Suggestion] = []
        for (index, tally) in tallies.enumerated() {
            rules.append((tally.figures(rule: ruleNames[index]), ruleStaleAfters[index]))
            total.resolves += tally.resolves
            total.premature += tally.premature
            total.openAtEnd += tally.openAtEnd
            total.silences.merge(tally.silences)
            // A rule that saw no alerts has no evidence either way, so it gets no suggestion.
            guard tally.alerts > 0 else { continue }
            suggestions.append(
                Suggestion(
                    rule: ruleNames[index], current: ruleStaleAfters[index],
                    staleAfter: StaleLadder.suggestion(resolves: tally.ladderResolves, premature: tally.ladderPremature)
                ))
        }
        total.alerts = totalAlerts
        return ReplayReport(events: events, rules: rules, total: total.figures(rule: "total"), suggestions: suggestions)
    }

    /// The rule a silence falls under and its `stale_after`, from the payload of the event that began it.
    ///
    /// This is the one place a silence's `stale_after` comes from: `stale_after: auto` plugs in here.
    private func rule(for payload: JSONObject) -> (index: Int, staleAfter: StaleAfter) {
        let (name, staleAfter, parameters) = policy.matchingRule(payload)
        let index = ruleIndex[name] ?? ruleNames.count - 1
        guard staleAfter == .auto else { return (index, staleAfter) }
        // The sweep's own resolution of auto: the definition's value, 0 for a definition that can no
        // longer fire, else the fallback, else never.
        switch auto?(payload, parameters, .none) ?? .undecided(reason: "no definitions") {
        case .staleAfter(let span, _): return (index, .after(span))
        case .staleNow: return (index, .after(.zero))
        case .undecided: return (index, parameters.fallback.map { .after($0) } ?? .never)
        }
    }

    /// Closes the pending silence, which the event at `nextAt` ends (nil: the alert's last silence).
    private mutating func closeSilence(nextAt: Int64?, nextIsOK: Bool) {
        guard let start = pending else { return }
        pending = nil
        guard let rule = start.rule else { return }
        // Only a re-notification makes a resolve premature: an `ok` or the end of the history means the
        // alert did end.
        let prematureIfResolved =
            nextAt.map { !nextIsOK && window.isWithinRefireWindow(from: start.receivedAt, to: $0) } ?? false
        var resolved = false
        if let limit = rule.staleAfter.span,
            let sweep = firstStaleSweep(silenceFrom: start.receivedAt, limit: limit.wholeSeconds, before: nextAt)
        {
            // The sweep's own decision at that instant, which also gives the silence it saw.
            let decision = policy.decide(
                payload: start.payload, lastReceived: start.receivedAt, now: sweep, feed: feed, auto: auto)
            if decision.isStale {
                resolved = true
                tallies[rule.index].resolves += 1
                if prematureIfResolved { tallies[rule.index].premature += 1 }
                tallies[rule.index].silences.add(decision.silence.wholeSeconds)
            }
        }
        if nextAt == nil, !resolved { tallies[rule.index].openAtEnd += 1 }
        // Every ladder value in the same pass; a longer one resolves only where a shorter one did.
        for (step, limit) in StaleLadder.seconds.enumerated() {
            guard firstStaleSweep(silenceFrom: start.receivedAt, limit: limit, before: nextAt) != nil else { break }
            tallies[rule.index].ladderResolves[step] += 1
            if prematureIfResolved { tallies[rule.index].ladderPremature[step] += 1 }
        }
    }

    /// The first replayed sweep at which a silence that began at `start` has lasted `limit` seconds
    /// (observed seconds with heartbeats), if it comes before `end` and by `now`.
    ///
    /// Silence only grows with time, so the sweep's test `silence >= stale_after` first holds at the
    /// first sweep at or after the instant the silence reaches the limit.
    private func firstStaleSweep(silenceFrom start: Int64, limit: Int64, before end: Int64?) -> Int64? {
        let reached: Int64?
        if let feed {
            reached = feed.instant(whenAliveReaches: limit, from: start)
        } else {
            let (sum, overflow) = start.addingReportingOverflow(limit)
            reached = overflow ? nil : sum
        }
        guard let reached, let sweep = window.firstSweep(atOrAfter: reached) else { return nil }
        if let end, sweep >= end { return nil }
        return sweep
    }
}
