/// An `auto_factor` or `auto_min` value that is out of range.
public struct AutoSettingsError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The configuration key, `auto_factor` or `auto_min`.
    public var key: String
    /// What is wrong with its value.
    public var reason: String

    public var description: String { "\(key) \(reason)" }
}
