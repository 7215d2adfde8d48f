/// Why a `POST /v1/search` answer could not be read as the trigger log search's aggregation.
struct TriggerSearchAnswerError: Error, Sendable, Equatable, CustomStringConvertible {
    /// What is wrong with the body.
    var reason: String

    var description: String { "the answer is not the trigger search's aggregation: \(reason)" }
}
