import Staleness

/// The `stale_after` values a backtest tries when it suggests one: 15m, 30m, 1h, 2h, 3h, 6h, 12h, 1d, 3d.
public enum StaleLadder {
    /// The ladder, shortest first, in seconds.
    public static let seconds: [Int64] = [900, 1_800, 3_600, 7_200, 10_800, 21_600, 43_200, 86_400, 259_200]

    /// The premature rate a suggestion must stay under, in percent.
    public static let maximumPrematurePercent = 1.0

    /// The shortest ladder value whose premature rate is under 1 %, else `never`.
    ///
    /// A value under which nothing was resolved has no premature resolve, so it qualifies.
    static func suggestion(resolves: [Int], premature: [Int]) -> StaleAfter {
        for (index, value) in seconds.enumerated() {
            let count = resolves[index]
            if count == 0 || Double(premature[index]) * 100 < maximumPrematurePercent * Double(count) {
                return .after(.seconds(value))
            }
        }
        return .never
    }
}
