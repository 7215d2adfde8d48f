public import BigPanda
public import Staleness

/// What people set in BigPanda keeps open, and whether to tell them why a close happened (SPEC.md,
/// "People in BigPanda"). A sweep has these only when the Incidents API is configured (a user API key
/// and an environment).
public struct PeopleSettings: Sendable {
    /// The holds each rule keeps alerts for, by rule name (`keep_when`, a rule's replacing the top level's).
    public var keepWhen: @Sendable (_ rule: String) -> Set<IncidentHold>
    /// Whether any rule keeps alerts for a hold (so the sweep must read the Incidents API before closing).
    public var usesHolds: Bool
    /// Post one comment on each incident whose alerts the run closed (`bigpanda.comment_on_close`).
    public var commentOnClose = true
    /// The most comments one run posts (`bigpanda.max_comments_per_run`).
    public var maxComments = 200
    /// The scope of the search: a glob on BigPanda's `source_system`; nil searches every alert.
    public var sourceSystem: GlobPattern?
    /// Extra BPQL narrowing the search (`bigpanda.incident_query`).
    public var incidentQuery: String?
    /// Close even what a hold keeps (`sweep --all --ignore-holds`).
    public var ignoreHolds = false

    /// Creates settings.
    public init(keepWhen: @escaping @Sendable (_ rule: String) -> Set<IncidentHold>, usesHolds: Bool) {
        self.keepWhen = keepWhen
        self.usesHolds = usesHolds
    }

    /// The longest comment BigPanda is sent.
    public static let maxCommentLength = 2_000

    /// The reason a rule's alerts stay open when the Incidents API cannot be read.
    public static let unreadable = "kept: BigPanda's Incidents API could not be read"
}
