import Alerts

/// `auto_factor` and `auto_min`: how a re-notify period becomes a `stale_after`.
public struct AutoSettings: Sendable, Equatable {
    /// `auto_factor`'s default: three missed notifications.
    public static let defaultFactor: Double = 3
    /// `auto_min`'s default: 15 minutes.
    public static let defaultMinimum: Duration = .seconds(900)
    /// The settings with both defaults.
    public static let standard = AutoSettings(checkedFactor: defaultFactor, minimum: defaultMinimum)

    /// `auto_factor`: how many periods of silence make an alert stale; a finite number ≥ 1.
    public let factor: Double
    /// `auto_min`: the smallest `stale_after` auto gives, in whole seconds, ≥ 0.
    public let minimum: Duration

    /// Creates settings after checking them.
    ///
    /// - Throws: `AutoSettingsError` naming `auto_factor` or `auto_min` when a value is out of range.
    public init(factor: Double = AutoSettings.defaultFactor, minimum: Duration = AutoSettings.defaultMinimum)
        throws(AutoSettingsError)
    {
        guard factor.isFinite, factor >= 1 else {
            throw AutoSettingsError(key: "auto_factor", reason: "must be a number of at least 1, not \(factor)")
        }
        guard minimum >= .zero else {
            throw AutoSettingsError(
                key: "auto_min", reason: "must not be negative, not \(minimum.wholeSeconds) seconds")
        }
        self.init(checkedFactor: factor, minimum: minimum)
    }

    private init(checkedFactor: Double, minimum: Duration) {
        self.factor = checkedFactor
        self.minimum = minimum
    }

    /// The factor as the derivation text writes it: `3`, `2.5`.
    var factorText: String {
        factor == factor.rounded() && abs(factor) < 1e15 ? String(Int64(factor)) : String(factor)
    }
}
