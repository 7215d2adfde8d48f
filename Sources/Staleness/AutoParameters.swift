public import Alerts

/// How a rule under `stale_after: auto` turns a Logz.io definition into a `stale_after`, and what it
/// does when it cannot: `auto_factor`, `auto_min` and `fallback`.
public struct AutoParameters: Sendable, Equatable {
    /// `auto_factor`: the re-notify period is multiplied by this (a number ≥ 1, default 3).
    public var factor: Double
    /// `auto_min`: the least `stale_after` auto gives, in whole seconds (default 15m).
    public var minimum: Duration
    /// `fallback`: the `stale_after`, in whole seconds, for an alert auto cannot decide; nil keeps it.
    public var fallback: Duration?

    /// Creates parameters with SPEC.md's defaults. The config reader checks the values (a factor of at
    /// least 1, a minimum that is not negative) and names the key.
    public init(factor: Double = 3, minimum: Duration = .seconds(900), fallback: Duration? = nil) {
        self.factor = factor
        self.minimum = minimum
        self.fallback = fallback
    }

    /// The factor as a derivation writes it: `3`, `2.5`.
    public var factorText: String {
        factor == factor.rounded() && abs(factor) < 1e15 ? String(Int64(factor)) : String(factor)
    }
}

/// What the Logz.io definitions say about one alert under `stale_after: auto`.
public enum AutoResolution: Sendable, Equatable {
    /// A usable definition: this `stale_after`, with how it was derived, e.g. `auto: Logz.io alert 123,
    /// time frame 15m, wait 1h → 3 × 1h + 2m`.
    case staleAfter(Duration, source: String)
    /// A definition that can never notify again (disabled or deleted): stale at once.
    case staleNow(reason: String)
    /// No usable definition (no id, an unknown one, an unusable schedule, none fetched): the
    /// rule's `fallback` applies, or the alert is kept.
    case undecided(reason: String)
}

/// Resolves `stale_after: auto` for one alert's last payload under a rule's parameters, given what the
/// trigger log says of its definition (a verified definition's triggers set the period, not its wait).
public typealias AutoResolver =
    @Sendable (_ payload: JSONObject, _ parameters: AutoParameters, _ evidence: Evidence) -> AutoResolution
