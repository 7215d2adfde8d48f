import Alerts

/// One of an alert's `maintenance_plans`, written into the expanded alerts the search returns as
/// `{"id", "name", "start", "end"}` with epoch-second times.
public struct StandInMaintenancePlan: Sendable, Equatable {
    /// The plan's id.
    public var id: String
    /// Its name.
    public var name: String
    /// When it starts, epoch seconds.
    public var start: Int64
    /// When it ends, epoch seconds.
    public var end: Int64

    /// Creates a plan.
    public init(id: String, name: String, start: Int64, end: Int64) {
        self.id = id
        self.name = name
        self.start = start
        self.end = end
    }

    var json: JSONValue {
        .object(
            JSONObject([
                ("id", .string(id)), ("name", .string(name)), ("start", .integer(start)), ("end", .integer(end)),
            ]))
    }
}
