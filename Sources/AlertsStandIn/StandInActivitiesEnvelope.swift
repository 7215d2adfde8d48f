/// How the stand-in wraps a page of activities. BigPanda does not document it, so the client must read
/// each of these; tests switch between them with `AlertsStandIn.setActivitiesEnvelope(_:)`.
public enum StandInActivitiesEnvelope: Sendable {
    /// `{"activities": [...], "total": N, "page": P, "per_page": M}`, the default.
    case activities
    /// `{"items": [...], "total": N}`, as the incident search answers.
    case items
    /// A bare array, with no total.
    case bareArray
}
