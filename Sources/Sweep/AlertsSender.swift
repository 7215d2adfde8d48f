public import BigPanda

/// Where a sweep's `ok` batches go: BigPanda's Alerts API client, or a fake in tests.
public protocol AlertsSender: Sendable {
    /// Sends one prepared batch body, retrying as the client's policy says, and tells how it ended.
    func send(body: [UInt8]) async -> DeliveryResult
    /// Why sending stopped for the rest of the run (a refused token), or nil while it goes on.
    var stopReason: String? { get }
}

extension AlertsClient: AlertsSender {}
