/// Compares secrets in time that depends only on the presented value's length, not on where it differs.
enum ConstantTime {
    /// Whether `presented` equals `expected`.
    static func equals(_ presented: some Collection<UInt8>, _ expected: some Collection<UInt8>) -> Bool {
        let expectedBytes = Array(expected)
        guard !expectedBytes.isEmpty else { return false }
        // The lengths are compared whole: folding their difference into a byte accepted the token
        // repeated 129 or 257 times.
        var lengthsDiffer = presented.count != expectedBytes.count
        var difference: UInt8 = 0
        for (index, byte) in presented.enumerated() {
            difference |= byte ^ expectedBytes[index % expectedBytes.count]
        }
        lengthsDiffer = lengthsDiffer || difference != 0
        return !lengthsDiffer
    }
}
