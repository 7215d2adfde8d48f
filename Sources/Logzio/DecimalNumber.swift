/// A non-negative JSON number's exact value as decimal digits and a power of ten, read from its text
/// without binary floating point.
///
/// Elasticsearch writes a `max` aggregation's value as a Java double, so an epoch in milliseconds comes as
/// `1.7335296E12`. Reading the text exactly keeps rounding from moving a trigger across a second, and no
/// exponent, however long, can overflow.
struct DecimalNumber: Sendable, Equatable {
    /// The significant digits (each 0...9), without leading or trailing zeros; empty for zero.
    let digits: [UInt8]
    /// The power of ten the digits are scaled by.
    let exponent: Int

    /// Exponents are saturated at this magnitude: beyond it a value is 0 or too large for any use here,
    /// and sums with digit counts cannot overflow.
    private static let exponentLimit = 1 << 60

    /// Reads JSON number text (RFC 8259: `int [frac] [exp]`); nil when the text is not one, or is negative
    /// (`-0` included).
    init?(json text: String) {
        var bytes = Array(text.utf8)[...]
        func digitRun() -> ArraySlice<UInt8> {
            let run = bytes.prefix { $0 >= UInt8(ascii: "0") && $0 <= UInt8(ascii: "9") }
            bytes = bytes.dropFirst(run.count)
            return run
        }
        let integer = digitRun()
        guard !integer.isEmpty, integer.count == 1 || integer.first != UInt8(ascii: "0") else { return nil }
        var fraction: ArraySlice<UInt8> = []
        if bytes.first == UInt8(ascii: ".") {
            bytes = bytes.dropFirst()
            fraction = digitRun()
            guard !fraction.isEmpty else { return nil }
        }
        var written = 0
        if bytes.first == UInt8(ascii: "e") || bytes.first == UInt8(ascii: "E") {
            bytes = bytes.dropFirst()
            var sign = 1
            if bytes.first == UInt8(ascii: "+") || bytes.first == UInt8(ascii: "-") {
                sign = bytes.first == UInt8(ascii: "-") ? -1 : 1
                bytes = bytes.dropFirst()
            }
            let run = digitRun()
            guard !run.isEmpty else { return nil }
            var magnitude = 0
            for digit in run {
                let grown =
                    magnitude <= Self.exponentLimit / 10 ? magnitude * 10 + Int(digit - UInt8(ascii: "0")) : .max
                magnitude = min(grown, Self.exponentLimit)
            }
            written = sign * magnitude
        }
        guard bytes.isEmpty else { return nil }
        var significant = (integer + fraction).map { $0 - UInt8(ascii: "0") }[...]
        significant = significant.drop { $0 == 0 }
        var exponent = written - fraction.count
        while significant.last == 0 {
            significant = significant.dropLast()
            exponent += 1
        }
        digits = Array(significant)
        self.exponent = significant.isEmpty ? 0 : exponent
    }

    /// Whether the value is a whole number.
    var isInteger: Bool { exponent >= 0 }

    /// ⌊value × 10^power⌋, or nil when it does not fit in an `Int64`.
    func floor(scaledBy power: Int) -> Int64? {
        guard !digits.isEmpty else { return 0 }
        let scale = exponent + power
        let kept: ArraySlice<UInt8>
        let zeros: Int
        if scale >= 0 {
            kept = digits[...]
            zeros = scale
        } else {
            // Non-negative, so the floor drops the digits below the point.
            guard -scale < digits.count else { return 0 }
            kept = digits.dropLast(-scale)
            zeros = 0
        }
        guard kept.count + zeros <= 19 else { return nil }
        var value: Int64 = 0
        for digit in kept + Array(repeating: 0, count: zeros) {
            let (shifted, overflowA) = value.multipliedReportingOverflow(by: 10)
            let (next, overflowB) = shifted.addingReportingOverflow(Int64(digit))
            guard !overflowA, !overflowB else { return nil }
            value = next
        }
        return value
    }

    /// The value when it is a whole number that fits in an `Int64`.
    var integerValue: Int64? {
        isInteger ? floor(scaledBy: 0) : nil
    }
}
