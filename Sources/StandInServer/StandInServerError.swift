/// Why a stand-in's server could not serve.
public enum StandInServerError: Error, Sendable, CustomStringConvertible {
    /// The server could not start listening, for the reason given.
    case cannotStart(String)

    /// The reason, as a sentence fragment.
    public var description: String {
        switch self {
        case .cannotStart(let reason): reason
        }
    }
}
