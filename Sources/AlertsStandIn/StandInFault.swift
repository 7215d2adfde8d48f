/// A failure the stand-in answers in place of an endpoint's work, for the next `remaining` requests that
/// pass the key check: a 500 or a 429 storm, a 401 or 403 from a key that lost its role.
struct StandInFault {
    /// The status answered.
    var status: Int
    /// How many more requests it answers.
    var remaining: Int
    /// The `Retry-After` header's seconds, when set.
    var retryAfter: Int?

    /// Takes the fault for one request, or nil when it is used up.
    mutating func take() -> StandInFault? {
        guard remaining > 0 else { return nil }
        remaining -= 1
        return self
    }
}
