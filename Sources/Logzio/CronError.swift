/// Why a cron expression was refused, naming the field and the text at fault.
public struct CronError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The whole expression as given.
    public var expression: String
    /// The field at fault, numbered from 1 with its name (`field 4 (day of month)`), or nil for the whole expression.
    public var field: String?
    /// The part of the field at fault, such as `L` or `5-70`.
    public var text: String?
    /// What is wrong and what to write instead.
    public var reason: String

    /// Creates an error.
    public init(expression: String, field: String? = nil, text: String? = nil, reason: String) {
        self.expression = expression
        self.field = field
        self.text = text
        self.reason = reason
    }

    public var description: String {
        var where_ = "cron expression \"\(expression)\""
        if let field { where_ += ", \(field)" }
        if let text { where_ += ", \"\(text)\"" }
        return "\(where_): \(reason)"
    }
}
