import Foundation
import TestSupport
import Testing

@testable import Relay

/// `ConstantTime.equals`, the relay's token comparison (its plain answers are in `RelayHelpersTests`): tokens
/// that repeat the expected one, and that its time does not depend on where the inputs differ. The timing is
/// measured on 64 KiB inputs, where a comparison that stops at the first difference is thousands of times
/// faster for a difference in the first byte than in the last; for a 22-byte token over HTTP the same
/// difference is nanoseconds under a millisecond of noise, which no test can see.
@Suite(.timingSensitive) struct ConstantTimeTests {
    static let token = Array("0123456789abcdefghijkl".utf8)  // 22 bytes, as long as the relay tests' token

    /// The expected token repeated: equal bytes at every index modulo its length, and a length that differs.
    @Test(arguments: [2, 3, 128, 130])
    func aRepeatedTokenIsRefused(copies: Int) {
        let presented = Array([[UInt8]](repeating: Self.token, count: copies).joined())
        let accepted = ConstantTime.equals(presented, Self.token)
        #expect(!accepted, "\(copies) copies of the token were accepted")
    }

    /// 129 and 257 copies: the lengths XOR to 0xB00 and 0x1600 against 22, whose low byte is zero. An
    /// earlier `equals` kept only that byte and accepted them.
    @Test(arguments: [129, 257])
    func aTokenRepeatedSoTheLengthsDifferByAMultipleOf256IsRefused(copies: Int) {
        let presented = Array([[UInt8]](repeating: Self.token, count: copies).joined())
        let accepted = ConstantTime.equals(presented, Self.token)
        #expect(!accepted, "\(copies) copies of the token were accepted")
    }

    /// Whether the comparison's time depends on where the inputs differ: the fastest time for a difference in
    /// the first byte, over the fastest for one in the last byte and for an equal input, interleaved. The
    /// fastest of 20 is what load disturbs least (load only adds time). It runs on a thread of its own, so the
    /// Swift cooperative pool that other tests wait on is never blocked.
    @Test func timeDoesNotDependOnWhereTheInputsDiffer() async {
        let fastest = await Self.onOwnThread(Self.fastestTimes)
        guard fastest.count == 3 else {
            Issue.record("equals answered wrongly for one of the inputs")
            return
        }
        let firstOverLast = fastest[1] / fastest[2]
        let firstOverEqual = fastest[1] / fastest[0]
        let shown = fastest.map { String(format: "%.3f ms", $0 * 1000) }.joined(separator: ", ")
        // Constant time gives ratios near 1; an early exit does about 1/size of the work for the first byte.
        #expect(firstOverLast > 0.2, "fastest of equal, first byte wrong, last byte wrong: \(shown)")
        #expect(firstOverEqual > 0.2, "fastest of equal, first byte wrong, last byte wrong: \(shown)")
    }

    /// The fastest time of `equals` for an equal input, one wrong in its first byte, and one wrong in its last.
    static func fastestTimes() -> [Double] {
        let size = 1 << 16
        let expected = [UInt8](repeating: 0x61, count: size)
        var firstWrong = expected
        firstWrong[0] = 0x62
        var lastWrong = expected
        lastWrong[size - 1] = 0x62
        let inputs = [expected, firstWrong, lastWrong]
        var fastest = [Double](repeating: .infinity, count: inputs.count)
        for _ in 0..<20 {
            for (index, input) in inputs.enumerated() {
                let started = monotonic()
                let equal = ConstantTime.equals(input, expected)
                let elapsed = monotonic() - started
                if equal != (index == 0) { return [] }
                fastest[index] = min(fastest[index], elapsed)
            }
        }
        return fastest
    }

    static func onOwnThread(_ body: @escaping @Sendable () -> [Double]) async -> [Double] {
        await withCheckedContinuation { continuation in
            Thread { continuation.resume(returning: body()) }.start()
        }
    }

    static func monotonic() -> Double {
        var now = timespec()
        clock_gettime(CLOCK_MONOTONIC, &now)
        return Double(now.tv_sec) + Double(now.tv_nsec) / 1e9
    }
}
