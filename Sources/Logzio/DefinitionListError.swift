/// Why a `GET /v2/alerts` body could not be read as a list of alert definitions.
public struct DefinitionListError: Error, Sendable, Equatable, CustomStringConvertible {
    /// What is wrong with the body.
    public var reason: String

    /// Creates an error.
    public init(reason: String) {
        self.reason = reason
    }

    public var description: String { "the body is not a list of Logz.io alert definitions: \(reason)" }
}
