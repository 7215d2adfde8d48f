/// Compares secrets in time that depends only on the presented value's length, not on where it differs.
enum ConstantTime {
    /// Whether `presented` equals `expected`.
    static func equals(_ presented: some Collection<UInt8>, _ expected: some Collection<UInt8>) -> Bool {
        let expectedBytes = Array(expected)
        guard !expectedBytes.isEmpty else { return false }
        var difference = UInt8(truncatingIfNeeded: presented.count ^ expectedBytes.count)
        for (index, byte) in presented.enumerated() {
            difference |= byte ^ expectedBytes[index % expectedBytes.count]
        }
        return difference == 0
    }
}
