/// Why a duration was refused.
public struct DurationError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The text that was refused.
    public var text: String
    /// What is wrong with it.
    public var reason: String

    public var description: String {
        "\"\(text)\" is not a duration: \(reason); write groups like 90s, 30m, 1h30m or 7d"
    }
}

/// Durations written as `<integer><unit>` groups with units `d`, `h`, `m`, `s` in that order.
public enum DurationText {
    /// Parses `90s`, `30m`, `1h30m`, `7d` into seconds. A bare number and a zero total are refused.
    public static func parse(_ text: String) throws(DurationError) -> Int64 {
        let units: [(UInt8, Int64)] = [
            (UInt8(ascii: "d"), 86_400), (UInt8(ascii: "h"), 3_600), (UInt8(ascii: "m"), 60), (UInt8(ascii: "s"), 1),
        ]
        let bytes = Array(text.utf8)
        guard !bytes.isEmpty else { throw DurationError(text: text, reason: "it is empty") }
        var total: Int64 = 0
        var nextUnit = 0
        var index = 0
        while index < bytes.count {
            let start = index
            var value: Int64 = 0
            while index < bytes.count, bytes[index] >= 0x30, bytes[index] <= 0x39 {
                let (product, overflow1) = value.multipliedReportingOverflow(by: 10)
                let (sum, overflow2) = product.addingReportingOverflow(Int64(bytes[index] - 0x30))
                guard !overflow1, !overflow2 else { throw DurationError(text: text, reason: "it is too large") }
                value = sum
                index += 1
            }
            guard index > start else { throw DurationError(text: text, reason: "expected a number") }
            guard index < bytes.count else {
                throw DurationError(text: text, reason: "a number needs a unit (d, h, m or s)")
            }
            guard let unitIndex = units.firstIndex(where: { $0.0 == bytes[index] }) else {
                throw DurationError(text: text, reason: "the unit must be d, h, m or s")
            }
            guard unitIndex >= nextUnit else {
                throw DurationError(text: text, reason: "units must come in the order d, h, m, s, each once")
            }
            nextUnit = unitIndex + 1
            let (scaled, overflow1) = value.multipliedReportingOverflow(by: units[unitIndex].1)
            let (sum, overflow2) = total.addingReportingOverflow(scaled)
            guard !overflow1, !overflow2 else { throw DurationError(text: text, reason: "it is too large") }
            total = sum
            index += 1
        }
        guard total > 0 else {
            throw DurationError(text: text, reason: "it totals zero (for \"never resolve\" write never)")
        }
        return total
    }

    /// Formats a span compactly, as `format(_:)` formats its whole seconds.
    public static func format(_ span: Duration) -> String {
        format(span.wholeSeconds)
    }

    /// Formats seconds compactly, e.g. `3h12m`, `45s`, `2d1h`. Seconds are shown only under an hour.
    public static func format(_ seconds: Int64) -> String {
        if seconds <= 0 { return "0s" }
        let days = seconds / 86_400
        let hours = seconds % 86_400 / 3_600
        let minutes = seconds % 3_600 / 60
        let secs = seconds % 60
        var text = ""
        if days > 0 { text += "\(days)d" }
        if hours > 0 { text += "\(hours)h" }
        if minutes > 0 { text += "\(minutes)m" }
        if secs > 0, days == 0, hours == 0 { text += "\(secs)s" }
        return text.isEmpty ? "0s" : text
    }
}
