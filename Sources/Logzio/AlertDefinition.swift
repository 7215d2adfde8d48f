/// One Logz.io alert definition, reduced to the fields that say how often it can notify.
public struct AlertDefinition: Sendable, Equatable {
    /// The definition id, `{{alert_definition_id}}` in a notification.
    public var id: Int64
    /// The alert's title, for messages.
    public var title: String?
    /// Whether the alert can fire; a definition without `enabled` is enabled.
    public var isEnabled: Bool
    /// `searchTimeFrameMinutes`: the query's time frame in minutes, when present.
    public var searchTimeFrameMinutes: Int64?
    /// `output.suppressNotificationsMinutes`: the wait between notifications in minutes, when present.
    public var suppressNotificationsMinutes: Int64?
    /// `schedule.cronExpression`: a Quartz cron expression, when the alert runs on a schedule.
    public var cronExpression: String?
    /// `schedule.timezone`: the schedule's IANA time zone, nil for UTC.
    public var timeZone: String?

    /// Creates a definition.
    public init(
        id: Int64, title: String? = nil, isEnabled: Bool = true, searchTimeFrameMinutes: Int64? = nil,
        suppressNotificationsMinutes: Int64? = nil, cronExpression: String? = nil, timeZone: String? = nil
    ) {
        self.id = id
        self.title = title
        self.isEnabled = isEnabled
        self.searchTimeFrameMinutes = searchTimeFrameMinutes
        self.suppressNotificationsMinutes = suppressNotificationsMinutes
        self.cronExpression = cronExpression
        self.timeZone = timeZone
    }
}
