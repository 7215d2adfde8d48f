// relay-load: posts single alerts to a relay at a fixed rate (or as fast as it can) for a while and
// prints accepted requests per second and latency percentiles, measured from each request's
// scheduled start (so a stalled server shows up as latency, not as a lower offered rate).
//
//   relay-load URL TOKEN RATE SECONDS [CONCURRENCY]     RATE 0 = saturate with CONCURRENCY in flight
import Curl
import Synchronization

#if canImport(Glibc)
    import Glibc
#endif

let arguments = CommandLine.arguments
guard arguments.count >= 5, let rate = Double(arguments[3]), let seconds = Double(arguments[4]) else {
    print("usage: relay-load URL TOKEN RATE SECONDS [CONCURRENCY]")
    exit(64)
}
let url = arguments[1]
let token = arguments[2]
let concurrency = arguments.count > 5 ? Int(arguments[5]) ?? 16 : 16

final class Stats: Sendable {
    struct State {
        var latencies: [Double] = []
        var statuses: [Int: Int] = [:]
        var errors = 0
    }
    let state = Mutex(State())
}

final class RequestCounter: Sendable {
    private let value = Mutex(0)
    func next() -> Int { value.withLock { $0 += 1; return $0 } }
}

func body(_ index: Int) -> [UInt8] {
    let text = #"{"app_key":"bench-app","status":"critical","service":"logzio","check":"load \#(index % 500)","#
        + #""description":"benchmark alert","severity":"HIGH","alert_event_samples":"\#(String(repeating: "x", count: 900))"}"#
    return Array(text.utf8)
}

let client = try CurlClient(options: CurlClientOptions(userAgent: "relay-load", maxConnectionsPerHost: max(concurrency, 1)))
let stats = Stats()
let started = ContinuousClock.now
let end = started + .seconds(seconds)

func send(_ index: Int, scheduled: ContinuousClock.Instant) async {
    let request = HTTPRequest(
        method: "POST", url: url,
        headers: [HTTPHeader("Authorization", "Bearer \(token)"), HTTPHeader("Content-Type", "application/json")],
        body: body(index), timeout: .seconds(10))
    do {
        let response = try await client.send(request)
        let elapsed = ContinuousClock.now - scheduled
        let ms = Double(elapsed.components.seconds) * 1000 + Double(elapsed.components.attoseconds) / 1e15
        stats.state.withLock {
            $0.latencies.append(ms)
            $0.statuses[response.status, default: 0] += 1
        }
    } catch {
        stats.state.withLock { $0.errors += 1 }
    }
}

if rate > 0 {
    // Open loop: request i is due at start + i / rate, whatever happened to earlier ones.
    await withTaskGroup(of: Void.self) { group in
        var index = 0
        while true {
            let due = started + .seconds(Double(index) / rate)
            if due >= end { break }
            if due > .now { try? await Task.sleep(until: due, clock: .continuous) }
            let current = index
            group.addTask { await send(current, scheduled: due) }
            index += 1
        }
    }
} else {
    // Closed loop: CONCURRENCY workers, each sending the next request as soon as the last is answered.
    let counter = RequestCounter()
    await withTaskGroup(of: Void.self) { group in
        for _ in 0..<concurrency {
            group.addTask {
                while ContinuousClock.now < end {
                    let index = counter.next()
                    await send(index, scheduled: .now)
                }
            }
        }
    }
}
client.shutdown()

let total = ContinuousClock.now - started
let wall = Double(total.components.seconds) + Double(total.components.attoseconds) / 1e18
let result = stats.state.withLock { $0 }
let sorted = result.latencies.sorted()
func percentile(_ p: Double) -> Double {
    guard !sorted.isEmpty else { return 0 }
    let rank = Int((p / 100 * Double(sorted.count)).rounded(.up)) - 1
    return sorted[min(sorted.count - 1, max(0, rank))]
}
func fixed(_ value: Double) -> String {
    let hundredths = Int((value * 100).rounded())
    let fraction = hundredths % 100
    return "\(hundredths / 100).\(fraction < 10 ? "0" : "")\(fraction)"
}
let accepted = result.statuses[202] ?? 0
let statusText = result.statuses.sorted { $0.key < $1.key }.map { "\($0.key):\($0.value)" }.joined(separator: ",")
var line = "offered_rate=\(rate) seconds=\(fixed(wall)) requests=\(sorted.count + result.errors) accepted=\(accepted)"
line += " accepted_per_s=\(fixed(Double(accepted) / wall)) p50_ms=\(fixed(percentile(50))) p99_ms=\(fixed(percentile(99)))"
line += " max_ms=\(fixed(sorted.last ?? 0)) errors=\(result.errors) statuses=\(statusText)"
print(line)
