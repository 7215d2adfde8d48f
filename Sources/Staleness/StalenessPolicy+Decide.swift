public import Alerts

extension StalenessPolicy {
    /// Decides whether an open alert is stale at `now`.
    ///
    /// Silence runs from the later of the alert's last event and its definition's latest logged trigger
    /// (at or before `now`): a trigger after the last notification proves the alert still fires. Under a
    /// fixed `stale_after` this only keeps alerts longer; under `auto`, a verified definition's period is
    /// its trigger period, so it may close sooner, and an unverified one's is exactly as without evidence.
    ///
    /// - Parameters:
    ///   - payload: the alert's last recorded payload, which rules match against.
    ///   - lastReceived: when that payload was received, in epoch seconds.
    ///   - now: the time to evaluate at, in epoch seconds.
    ///   - feed: when the feed was observed alive; `nil` means no heartbeats, so all silence counts.
    ///   - auto: resolves `stale_after: auto` from the Logz.io definitions; nil when none are available.
    ///   - evidence: what Logz.io's trigger log says of the alert's definition; nil when evidence is off.
    public func decide(
        payload: JSONObject, lastReceived: Int64, now: Int64, feed: FeedLiveness? = nil, auto: AutoResolver? = nil,
        evidence: EvidenceResolver? = nil
    ) -> StalenessDecision {
        let (name, staleAfter, parameters) = matchingRule(payload)
        var found = evidence?(payload) ?? .none
        // A trigger after `now` is in the future of the evaluation: it does not count.
        if let trigger = found.lastTrigger, trigger > now { found.lastTrigger = nil }
        let trigger = found.lastTrigger.flatMap { $0 > lastReceived ? $0 : nil }
        var silence = Silence(
            elapsed: .seconds(max(0, now - lastReceived)),
            sinceEvent: Self.silence(from: lastReceived, to: now, feed: feed), observed: feed != nil)
        if let trigger {
            silence.sinceTrigger = Self.silence(from: trigger, to: now, feed: feed)
            silence.triggerAgo = .seconds(now - trigger)
            silence.definitionID = found.definitionID
        }
        let ruleText = "rule \"\(name)\""
        var decision: StalenessDecision
        switch staleAfter {
        case .never:
            decision = StalenessDecision(
                rule: name, staleAfter: staleAfter, silence: silence.counted, isStale: false, staleAt: nil,
                reason:
                    "\(ruleText) never auto-resolves (last notification \(DurationText.format(silence.elapsed)) ago)",
                effectiveStaleAfter: nil, source: "\(ruleText): never")
        case .after(let limit):
            decision = Self.decide(
                limit: limit, limitText: "\(staleAfter)", source: "\(ruleText): \(staleAfter)", rule: name,
                staleAfter: staleAfter, silence: silence, now: now)
        case .auto:
            let resolution =
                auto?(payload, parameters, found) ?? .undecided(reason: "no Logz.io alert definitions are available")
            switch resolution {
            case .staleAfter(let limit, let source):
                decision = Self.decide(
                    limit: limit, limitText: "auto \(DurationText.format(limit))", source: source, rule: name,
                    staleAfter: staleAfter, silence: silence, now: now)
            case .staleNow(let reason):
                decision = StalenessDecision(
                    rule: name, staleAfter: staleAfter, silence: silence.counted, isStale: true, staleAt: nil,
                    reason: "\(reason) (\(ruleText), stale_after auto)", effectiveStaleAfter: .zero,
                    source: "auto: \(reason)")
            case .undecided(let reason):
                guard let fallback = parameters.fallback else {
                    decision = StalenessDecision(
                        rule: name, staleAfter: staleAfter, silence: silence.counted, isStale: false, staleAt: nil,
                        reason: "\(ruleText) is auto, but \(reason); kept, as it has no fallback",
                        effectiveStaleAfter: nil, source: "auto: \(reason); no fallback, kept")
                    break
                }
                let text = DurationText.format(fallback)
                decision = Self.decide(
                    limit: fallback, limitText: "fallback \(text): \(reason)", source: "fallback \(text): \(reason)",
                    rule: name, staleAfter: staleAfter, silence: silence, now: now)
            }
        }
        decision.evidence = found
        return decision
    }

    /// The seconds of `[from, now)` that count: all of them, or only those the feed was observed alive.
    private static func silence(from start: Int64, to now: Int64, feed: FeedLiveness?) -> Duration {
        .seconds(feed.map { $0.aliveSeconds(from: start, to: now) } ?? max(0, now - start))
    }

    /// One alert's silence, measured from its last event and, when a trigger was logged after it, from the
    /// trigger.
    private struct Silence {
        /// Wall time since the last event.
        var elapsed: Duration
        /// The silence since the last event (observed, with heartbeats).
        var sinceEvent: Duration
        /// Whether the feed's heartbeats limit what counts.
        var observed: Bool
        /// The silence since a trigger logged after the last event, if any.
        var sinceTrigger: Duration?
        /// Wall time since that trigger.
        var triggerAgo: Duration = .zero
        /// The definition whose trigger it was.
        var definitionID: Int64?

        /// The silence that decides: from the trigger when there is one, else from the last event.
        var counted: Duration { sinceTrigger ?? sinceEvent }
    }

    private static func decide(
        limit: Duration, limitText: String, source: String, rule: String, staleAfter: StaleAfter, silence: Silence,
        now: Int64
    ) -> StalenessDecision {
        let ruleText = "rule \"\(rule)\""
        let stale = "(\(ruleText), stale after \(limitText))"
        // With heartbeats, only the time the feed was observed alive counts.
        let observedText = silence.observed ? " of observed feed time" : ""
        let counted = silence.counted
        if counted >= limit {
            let triggerText =
                silence.sinceTrigger.map { ", no trigger logged for \(DurationText.format($0))\(observedText)" } ?? ""
            return StalenessDecision(
                rule: rule, staleAfter: staleAfter, silence: counted, isStale: true, staleAt: nil,
                reason:
                    "no notification for \(DurationText.format(silence.sinceEvent))\(observedText)\(triggerText) \(stale)",
                effectiveStaleAfter: limit, source: source)
        }
        let staleAt = now + (limit - counted).wholeSeconds
        if silence.sinceTrigger != nil {
            let alert = silence.definitionID.map { "alert \($0)" } ?? "its alert"
            return StalenessDecision(
                rule: rule, staleAfter: staleAfter, silence: counted, isStale: false, staleAt: staleAt,
                reason:
                    "Logz.io logged a trigger of \(alert) \(DurationText.format(silence.triggerAgo)) ago (no notification for \(DurationText.format(silence.elapsed)))",
                effectiveStaleAfter: limit, source: source, keptByTrigger: silence.sinceEvent >= limit)
        }
        let silent =
            silence.observed
            ? "silent for \(DurationText.format(counted)) of observed feed time (last notification \(DurationText.format(silence.elapsed)) ago)"
            : "last notification \(DurationText.format(counted)) ago"
        return StalenessDecision(
            rule: rule, staleAfter: staleAfter, silence: counted, isStale: false, staleAt: staleAt,
            reason: "\(silent) \(stale)", effectiveStaleAfter: limit, source: source)
    }
}
