/// The values one field of a cron expression allows, within the field's bounds.
struct CronField: Sendable, Equatable {
    /// The smallest value the field can take, such as 0 for minutes or 1 for months.
    let lower: Int
    /// The largest value the field can take.
    let upper: Int
    /// The allowed values, ascending; never empty.
    let values: [Int]
    /// For each value from `lower` through `upper`, the smallest allowed value at or after it, or -1.
    ///
    /// A table turns "the next allowed minute" into one lookup, which keeps stepping from one fire
    /// time to the next cheap even for schedules that fire every second.
    private let nextAllowed: [Int]

    /// Creates a field from a non-empty set of values inside `lower...upper`.
    init(lower: Int, upper: Int, values: Set<Int>) {
        self.lower = lower
        self.upper = upper
        self.values = values.sorted()
        var table = [Int](repeating: -1, count: upper - lower + 1)
        var next = -1
        for value in stride(from: upper, through: lower, by: -1) {
            if values.contains(value) { next = value }
            table[value - lower] = next
        }
        nextAllowed = table
    }

    /// Whether the field allows `value`.
    func contains(_ value: Int) -> Bool {
        value >= lower && value <= upper && nextAllowed[value - lower] == value
    }

    /// The smallest allowed value at or after `value`, or nil when there is none up to `upper`.
    func next(atOrAfter value: Int) -> Int? {
        if value > upper { return nil }
        let found = nextAllowed[max(value, lower) - lower]
        return found < 0 ? nil : found
    }

    /// The smallest allowed value.
    var first: Int { values[0] }

    /// The largest allowed value.
    var last: Int { values[values.count - 1] }

    /// The largest difference between neighbouring allowed values, or 0 when only one is allowed.
    var widestStep: Int {
        zip(values, values.dropFirst()).reduce(0) { max($0, $1.1 - $1.0) }
    }

    /// Whether every value in the bounds is allowed.
    var isFull: Bool { values.count == upper - lower + 1 }
}
