import Staleness
import Testing

@Suite struct FeedLivenessInstantTests {
    // Alive [100, 330) and [1000, 1130).
    let feed = FeedLiveness(
        runs: [(first: 100, last: 200), (first: 150, last: 300), (first: 1000, last: 1100)], period: .seconds(30))

    @Test(arguments: [
        // (start, seconds, expected instant)
        (Int64(100), Int64(1), Int64?(101)),
        (100, 230, 330),  // exactly the whole first interval
        (100, 231, 1001),  // one second into the second interval
        (0, 10, 110),  // a start before the feed waits for it
        (320, 20, 1010),  // 10 s left in the first interval, then 10 s of the second
        (500, 130, 1130),  // a start in the gap
        (500, 131, nil),  // the feed ends first
        (2000, 1, nil),  // after the last interval
        (250, 0, 250),  // nothing needed: at once
    ])
    func instantWhenAliveReaches(start: Int64, seconds: Int64, expected: Int64?) {
        #expect(feed.instant(whenAliveReaches: seconds, from: start) == expected)
    }

    @Test func agreesWithAliveSecondsEverywhere() {
        // The instant is the first time at which the observed silence reaches the target.
        for start in stride(from: Int64(0), through: 1200, by: 7) {
            for seconds in stride(from: Int64(1), through: 400, by: 13) {
                guard let instant = feed.instant(whenAliveReaches: seconds, from: start) else {
                    #expect(feed.aliveSeconds(from: start, to: 10_000) < seconds)
                    continue
                }
                #expect(feed.aliveSeconds(from: start, to: instant) == seconds)
                #expect(feed.aliveSeconds(from: start, to: instant - 1) < seconds)
            }
        }
    }

    @Test func emptyFeedNeverReaches() {
        #expect(FeedLiveness(runs: []).instant(whenAliveReaches: 1, from: 0) == nil)
    }
}
