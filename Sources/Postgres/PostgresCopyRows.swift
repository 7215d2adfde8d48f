/// Rows for `COPY ... FROM STDIN` in PostgreSQL's text format, built in one buffer: fields separated
/// by tabs, rows ended by newlines, NULL as `\N`, and a backslash, tab, newline or carriage return
/// inside a value escaped with a backslash.
///
/// One `COPY` of a thousand rows is one statement for the server to parse and no round trip per row.
public struct PostgresCopyRows: Sendable {
    /// The encoded rows.
    public private(set) var bytes: [UInt8] = []
    /// How many rows were added.
    public private(set) var count = 0
    private var startsRow = true

    /// An empty set of rows, with room for about `capacity` bytes.
    public init(capacity: Int = 0) {
        bytes.reserveCapacity(capacity)
    }

    /// Appends a field to the current row.
    public mutating func append(_ value: PostgresValue) {
        separate()
        switch value {
        case .null:
            bytes.append(0x5C)  // \N
            bytes.append(0x4E)
        case .integer(let number):
            appendDigits(number)
        case .real(let number):
            bytes += String(number).utf8
        case .text(var text):
            text.withUTF8 { appendEscaped($0) }
        }
    }

    /// Appends an integer field to the current row.
    public mutating func append(_ value: Int64) {
        separate()
        appendDigits(value)
    }

    /// Appends a text field to the current row.
    public mutating func append(_ value: String) {
        separate()
        var value = value
        value.withUTF8 { appendEscaped($0) }
    }

    /// Appends a text field given as UTF-8 bytes to the current row.
    public mutating func append(utf8 value: [UInt8]) {
        separate()
        value.withUnsafeBufferPointer { appendEscaped($0) }
    }

    /// Ends the current row.
    public mutating func endRow() {
        bytes.append(0x0A)
        count += 1
        startsRow = true
    }

    /// An integer's decimal digits, without making a String for it.
    private mutating func appendDigits(_ value: Int64) {
        if value < 0 { bytes.append(0x2D) }
        // The magnitude as unsigned, so Int64.min has one too; at most 19 digits, so no overflow.
        var rest = value.magnitude
        var divisor: UInt64 = 1
        while rest / divisor >= 10 { divisor *= 10 }
        repeat {
            bytes.append(UInt8(truncatingIfNeeded: rest / divisor) + 0x30)
            rest %= divisor
            divisor /= 10
        } while divisor > 0
    }

    private mutating func separate() {
        if !startsRow { bytes.append(0x09) }
        startsRow = false
    }

    private mutating func appendEscaped(_ utf8: UnsafeBufferPointer<UInt8>) {
        // Runs without special bytes are copied whole; JSON text has a backslash every few dozen bytes.
        var start = 0
        for index in 0..<utf8.count {
            let byte = utf8[index]
            guard byte == 0x5C || byte == 0x09 || byte == 0x0A || byte == 0x0D else { continue }
            if start < index { bytes.append(contentsOf: UnsafeBufferPointer(rebasing: utf8[start..<index])) }
            bytes.append(0x5C)
            bytes.append(byte == 0x5C ? 0x5C : byte == 0x09 ? 0x74 : byte == 0x0A ? 0x6E : 0x72)
            start = index + 1
        }
        if start < utf8.count { bytes.append(contentsOf: UnsafeBufferPointer(rebasing: utf8[start..<utf8.count])) }
    }
}
