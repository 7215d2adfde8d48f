/// One recorded event as history: which alert, when it was received, its status and payload.
public struct HistoryEvent: Sendable {
    /// The alert's ledger id; events of one alert share it.
    public var alertID: Int64
    /// When the event was received, in epoch seconds.
    public var receivedAt: Int64
    /// Whether its status is `ok`.
    public var isOK: Bool
    /// The payload as stored, JSON text.
    public var payloadText: String

    /// Creates an event.
    public init(alertID: Int64, receivedAt: Int64, isOK: Bool, payloadText: String) {
        self.alertID = alertID
        self.receivedAt = receivedAt
        self.isOK = isOK
        self.payloadText = payloadText
    }
}
