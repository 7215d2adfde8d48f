import Foundation

/// Polls `condition` every `interval` until it holds or `seconds` pass; returns whether it held.
public func eventually(
    _ seconds: Double = 15, every interval: Duration = .milliseconds(50), _ condition: () throws -> Bool
) async throws -> Bool {
    let deadline = ContinuousClock.now + .seconds(seconds)
    while ContinuousClock.now < deadline {
        if try condition() { return true }
        try await Task.sleep(for: interval)
    }
    return try condition()
}
