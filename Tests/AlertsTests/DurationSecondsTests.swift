import Alerts
import Testing

@Suite struct DurationSecondsTests {
    @Test(arguments: [
        (Duration.milliseconds(1_500), 1.5), (.zero, 0), (.seconds(30), 30), (.milliseconds(1), 0.001),
    ])
    func spansReadAsSeconds(span: Duration, seconds: Double) {
        #expect(span.inSeconds == seconds)
    }

    @Test(arguments: [
        (Duration.milliseconds(1_500), Int64(1)), (.zero, 0), (.seconds(86_400), 86_400), (.milliseconds(999), 0),
        (.milliseconds(-1_500), -1),
    ])
    func wholeSecondsDropTheFraction(span: Duration, seconds: Int64) {
        #expect(span.wholeSeconds == seconds)
    }
}
