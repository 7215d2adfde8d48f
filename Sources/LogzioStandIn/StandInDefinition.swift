public import Alerts

/// Alert definitions shaped as `GET /v2/alerts` returns them, one builder per shape the
/// re-notify period distinguishes.
public enum StandInDefinition {
    /// A definition with only a time frame: no wait, no schedule.
    public static func timeFrameOnly(id: Int64, minutes: Int64, title: String = "errors") -> JSONObject {
        definition(id: id, title: title, timeFrame: minutes, output: output(wait: nil))
    }

    /// A definition with a time frame and a wait between notifications (longer or shorter).
    public static func withWait(id: Int64, timeFrameMinutes: Int64, waitMinutes: Int64, title: String = "latency")
        -> JSONObject
    {
        definition(id: id, title: title, timeFrame: timeFrameMinutes, output: output(wait: waitMinutes))
    }

    /// A definition that runs on a Quartz cron schedule, in `timeZone` (none means UTC).
    public static func scheduled(
        id: Int64, cron: String, timeZone: String? = nil, timeFrameMinutes: Int64 = 5, title: String = "nightly"
    ) -> JSONObject {
        var object = definition(id: id, title: title, timeFrame: timeFrameMinutes, output: output(wait: 5))
        var schedule = JSONObject([("cronExpression", .string(cron))])
        if let timeZone { schedule["timezone"] = .string(timeZone) }
        object["schedule"] = .object(schedule)
        return object
    }

    /// A disabled definition, which can never notify.
    public static func disabled(id: Int64, timeFrameMinutes: Int64 = 15, title: String = "retired") -> JSONObject {
        var object = definition(id: id, title: title, timeFrame: timeFrameMinutes, output: output(wait: 30))
        object["enabled"] = .bool(false)
        return object
    }

    /// One definition of every shape: 101 time frame only (15m), 102 a wait longer than its
    /// frame (15m, 1h), 103 a weekday schedule in Europe/Berlin, 104 disabled.
    public static func sampleAccount() -> [JSONObject] {
        [
            timeFrameOnly(id: 101, minutes: 15),
            withWait(id: 102, timeFrameMinutes: 15, waitMinutes: 60),
            scheduled(id: 103, cron: "0 0 9 ? * MON-FRI", timeZone: "Europe/Berlin"),
            disabled(id: 104),
        ]
    }

    private static func output(wait: Int64?) -> JSONObject {
        var object = JSONObject([
            ("recipients", .object(JSONObject([("notificationEndpointIds", .array([.integer(7)]))]))),
            ("type", .string("JSON")),
        ])
        if let wait { object["suppressNotificationsMinutes"] = .integer(wait) }
        return object
    }

    private static func definition(id: Int64, title: String, timeFrame: Int64, output: JSONObject) -> JSONObject {
        JSONObject([
            ("id", .integer(id)),
            ("title", .string(title)),
            ("description", .string("")),
            ("tags", .array([])),
            ("enabled", .bool(true)),
            ("searchTimeFrameMinutes", .integer(timeFrame)),
            ("output", .object(output)),
            (
                "subComponents",
                .array([
                    .object(
                        JSONObject([
                            ("queryDefinition", .object(JSONObject([("query", .string("loglevel:ERROR"))]))),
                            (
                                "trigger",
                                .object(
                                    JSONObject([
                                        ("operator", .string("GREATER_THAN")),
                                        ("severityThresholdTiers", .object(JSONObject([("HIGH", .number("10.0"))]))),
                                    ]))
                            ),
                        ]))
                ])
            ),
            ("createdAt", .string("2026-01-05T10:00:00Z")),
        ])
    }
}
