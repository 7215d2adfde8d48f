import Alerts

/// Reads a time BigPanda sends about people's actions (snoozes, plans, activities), whose unit its
/// documentation does not always state.
enum EpochSeconds {
    /// Beyond this, a number cannot be epoch seconds before the year 5138: it is read as milliseconds.
    static let millisecondsAbove: Int64 = 100_000_000_000

    /// Epoch seconds from a number (seconds, or milliseconds when it is too large to be seconds; a
    /// fraction is dropped) or a string (digits, or ISO 8601); nil for anything else, a time before
    /// 1970 included.
    static func read(_ value: JSONValue?) -> Int64? {
        let whole: Int64?
        switch value {
        case .number(let text)?:
            whole = Int64(text) ?? Double(text).flatMap { $0.isFinite ? Int64(exactly: $0.rounded(.down)) : nil }
        case .string(let text)?:
            whole = EpochTime.parse(text)
        default:
            whole = nil
        }
        guard let whole, whole >= 0 else { return nil }
        return whole > millisecondsAbove ? whole / 1_000 : whole
    }
}
