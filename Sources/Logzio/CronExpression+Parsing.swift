extension CronExpression {
    /// Parses a Quartz cron expression of 6 or 7 fields separated by white space.
    ///
    /// - Throws: `CronError` naming the field and the part that is wrong: a value out of range,
    ///   an unknown name, an unsupported `L`, `W` or `#`, a misplaced `?`, or the wrong field count.
    public init(parsing text: String) throws(CronError) {
        let parts = text.split(whereSeparator: { $0 == " " || $0 == "\t" }).map(String.init)
        guard parts.count == 6 || parts.count == 7 else {
            throw CronError(
                expression: text,
                reason:
                    "it has \(parts.count) field\(parts.count == 1 ? "" : "s"); a Quartz cron expression has 6 or 7: "
                    + "seconds, minutes, hours, day of month, month, day of week and an optional year")
        }
        var fields: [CronField] = []
        for (index, spec) in FieldSpec.all.enumerated() {
            let fieldText = index < parts.count ? parts[index] : "*"
            fields.append(try spec.parse(fieldText, position: index + 1, expression: text))
        }
        let dayOfMonthText = parts[3].uppercased()
        let dayOfWeekText = parts[5].uppercased()
        if !Self.isAny(dayOfMonthText) && !Self.isAny(dayOfWeekText) {
            throw CronError(
                expression: text, field: "fields 4 and 6 (day of month and day of week)",
                text: "\(dayOfMonthText) \(dayOfWeekText)",
                reason: "both are restricted, which Quartz does not support; write ? in one of them")
        }
        self.init(
            text: text, seconds: fields[0], minutes: fields[1], hours: fields[2], daysOfMonth: fields[3],
            months: fields[4], daysOfWeek: fields[5], years: fields[6])
    }

    private static func isAny(_ field: String) -> Bool {
        field == "*" || field == "?"
    }
}

/// How one position of a cron expression is read: its name, bounds and value names.
private struct FieldSpec {
    var name: String
    var lower: Int
    var upper: Int
    var names: [String: Int] = [:]
    var allowsQuestionMark = false

    static let all: [FieldSpec] = [
        FieldSpec(name: "seconds", lower: 0, upper: 59),
        FieldSpec(name: "minutes", lower: 0, upper: 59),
        FieldSpec(name: "hours", lower: 0, upper: 23),
        FieldSpec(name: "day of month", lower: 1, upper: 31, allowsQuestionMark: true),
        FieldSpec(
            name: "month", lower: 1, upper: 12,
            names: Dictionary(
                uniqueKeysWithValues: [
                    "JAN", "FEB", "MAR", "APR", "MAY", "JUN", "JUL", "AUG", "SEP", "OCT", "NOV", "DEC",
                ]
                .enumerated().map { ($1, $0 + 1) })),
        FieldSpec(
            name: "day of week", lower: 1, upper: 7,
            names: Dictionary(
                uniqueKeysWithValues: ["SUN", "MON", "TUE", "WED", "THU", "FRI", "SAT"].enumerated().map {
                    ($1, $0 + 1)
                }),
            allowsQuestionMark: true),
        FieldSpec(name: "year", lower: 1970, upper: CronExpression.lastYear),
    ]

    /// Parses one field: a comma-separated list of `*`, `?`, values, ranges and steps.
    func parse(_ text: String, position: Int, expression: String) throws(CronError) -> CronField {
        let label = "field \(position) (\(name))"
        func failure(_ part: String, _ reason: String) -> CronError {
            CronError(expression: expression, field: label, text: part, reason: reason)
        }
        var values = Set<Int>()
        // Errors quote the text as written; matching is on its upper case, as in Quartz.
        for item in text.split(separator: ",", omittingEmptySubsequences: false).map(String.init) {
            guard !item.isEmpty else { throw failure(text, "a list has an empty item") }
            let normalized = item.uppercased()
            if let reason = Self.unsupportedReason(normalized, names: names) { throw failure(item, reason) }
            let pieces = normalized.split(separator: "/", omittingEmptySubsequences: false).map(String.init)
            guard pieces.count <= 2 else { throw failure(item, "a step has one /, as in 0/10") }
            var step = 1
            if pieces.count == 2 {
                guard let parsed = Self.number(pieces[1]), parsed > 0 else {
                    throw failure(item, "the step after / must be a whole number of at least 1")
                }
                step = parsed
            }
            let base = pieces[0]
            let sequence: [Int]
            if base == "*" || base == "?" {
                if base == "?" {
                    guard allowsQuestionMark else {
                        throw failure(item, "? is allowed only in day of month and day of week; write * here")
                    }
                    guard pieces.count == 1, text == "?" else {
                        throw failure(item, "? stands alone in its field, without a step or a list")
                    }
                }
                sequence = Array(lower...upper)
            } else {
                let ends = base.split(separator: "-", omittingEmptySubsequences: false).map(String.init)
                guard ends.count <= 2 else { throw failure(item, "a range has one -, as in 5-20") }
                let start = try value(ends[0], item: item, failure: failure)
                if ends.count == 2 {
                    let end = try value(ends[1], item: item, failure: failure)
                    // Quartz wraps a range whose end is below its start: hours 22-2 is 22, 23, 0, 1, 2.
                    sequence = end >= start ? Array(start...end) : Array(start...upper) + Array(lower...end)
                } else {
                    sequence = pieces.count == 2 ? Array(start...upper) : [start]
                }
            }
            for index in stride(from: 0, to: sequence.count, by: step) {
                values.insert(sequence[index])
            }
        }
        return CronField(lower: lower, upper: upper, values: values)
    }

    /// One value: a number within the bounds, or one of the field's names.
    private func value(
        _ text: String, item: String, failure: (String, String) -> CronError
    ) throws(CronError) -> Int {
        if let named = names[text] { return named }
        guard let number = Self.number(text) else {
            if text.isEmpty { throw failure(item, "a value is missing") }
            let expected =
                names.isEmpty
                ? "a number" : "a number or a name such as \(names.min { $0.value < $1.value }?.key ?? "")"
            throw failure(item, "\"\(text)\" is not \(expected)")
        }
        guard number >= lower, number <= upper else {
            throw failure(item, "\(number) is out of range; \(name) runs from \(lower) to \(upper)")
        }
        return number
    }

    /// Why an item uses Quartz syntax this evaluator does not support, or nil when it does not.
    private static func unsupportedReason(_ item: String, names: [String: Int]) -> String? {
        if item.contains("#") {
            return "# (the nth weekday of the month) is not supported; use lists, ranges and steps"
        }
        // Names such as JUL and WED contain L and W; only the letters left once names are removed count.
        var rest = item
        for name in names.keys { rest = rest.replacing(name, with: "") }
        if rest.contains("L") {
            return "L (last day) is not supported; use lists, ranges and steps"
        }
        if rest.contains("W") {
            return "W (nearest weekday) is not supported; use lists, ranges and steps"
        }
        return nil
    }

    /// A whole number of at most four ASCII digits, or nil.
    private static func number(_ text: String) -> Int? {
        guard !text.isEmpty, text.utf8.count <= 4, text.utf8.allSatisfy({ $0 >= 0x30 && $0 <= 0x39 }) else {
            return nil
        }
        return Int(text)
    }
}
