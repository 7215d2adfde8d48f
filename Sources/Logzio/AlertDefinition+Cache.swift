public import Alerts

extension AlertDefinition {
    /// The definition as Logz.io's JSON, with only the fields `stale_after: auto` reads, so a cached
    /// list decodes with `DefinitionList(decoding:)` exactly as the fetched one did.
    public var cacheJSON: JSONValue {
        var object = JSONObject([("id", .integer(id)), ("enabled", .bool(isEnabled))])
        if let title { object["title"] = .string(title) }
        if let searchTimeFrameMinutes { object["searchTimeFrameMinutes"] = .integer(searchTimeFrameMinutes) }
        if let suppressNotificationsMinutes {
            object["output"] = .object(
                JSONObject([("suppressNotificationsMinutes", .integer(suppressNotificationsMinutes))]))
        }
        if let cronExpression {
            var schedule = JSONObject([("cronExpression", .string(cronExpression))])
            if let timeZone { schedule["timezone"] = .string(timeZone) }
            object["schedule"] = .object(schedule)
        }
        return .object(object)
    }
}

extension DefinitionList {
    /// The list as JSON text for the ledger's cache.
    public var cacheText: String {
        JSONValue.array(definitions.map(\.cacheJSON)).serialized()
    }
}
