public import Alerts
import Synchronization

/// What people do on the stand-in's incidents, set by tests and the demo, and what the tool asked of the
/// activities and comments endpoints.
///
/// The activity feed is served at `GET /resources/v2.0/incidents/{id}/activities` (not under an
/// environment) with the user API key. It is newest first, paged by `page` (default 1) and `per_page`
/// (default 20, at most 100, else 400), optionally narrowed by `types` (comma-separated), and 404 for an
/// incident no alert belongs to. BigPanda does not document the answer's envelope; the stand-in answers
/// `{"activities": [<activity>, ...], "total": N, "page": P, "per_page": M}` unless a test chooses
/// another with `setActivitiesEnvelope(_:)`. An activity is `{"id": "act-1", "type":
/// "incident_assigned", "incident_id": ..., "created_at": <epoch s>, "created_by": {"type": "user",
/// "name": "Dana"}}`, and a comment's activity adds `"comment"`.
///
/// Comments are taken at `POST /resources/v2.0/environments/{environment_id}/incidents/{id}/comments`
/// with `{"comment": "..."}`, `Content-Type: application/json` and the user API key. The stand-in answers
/// 201 with the comment object, records it, and adds an `incident_commented` activity by
/// `{"type": "api"}`. It refuses a wrong key (401), an incident no alert belongs to (404), another
/// content type (415), and a body without a non-empty string `comment` or with one longer than 2,000
/// characters (400; see `setMaxCommentLength(_:)`).
extension AlertsStandIn {
    /// Snoozes an incident: its `snooze` becomes `{"snoozed": true, "end_time": until, ...}`, with a
    /// null `end_time` when `until` is nil.
    public func snooze(incidentID: String, until: Int64?, cancelOnIncidentUpdates: Bool = false) {
        setSnooze(
            incidentID: incidentID,
            .object(
                JSONObject([
                    ("snoozed", .bool(true)), ("end_time", until.map { .integer($0) } ?? .null),
                    ("cancel_on_incident_updates", .bool(cancelOnIncidentUpdates)),
                ])))
    }

    /// Lifts an incident's snooze as a person would: `snoozed` becomes false, the rest stays.
    public func unsnooze(incidentID: String) {
        box.mutex.withLock { state in
            var snooze = state.incidents.people.snoozes[incidentID]?.objectValue ?? JSONObject()
            snooze["snoozed"] = .bool(false)
            state.incidents.people.snoozes[incidentID] = .object(snooze)
        }
    }

    /// Sets an incident's `snooze` to exactly `value`; nil writes null.
    public func setSnooze(incidentID: String, _ value: JSONValue?) {
        box.mutex.withLock { $0.incidents.people.snoozes[incidentID] = value }
    }

    /// Sets an incident's `maintenance`: a state such as `.string("partial")`, an object, or nil for null.
    public func setMaintenance(incidentID: String, _ value: JSONValue?) {
        box.mutex.withLock { $0.incidents.people.maintenance[incidentID] = value }
    }

    /// Sets an alert's `maintenance_plans`.
    public func setMaintenancePlans(alertID: String, _ plans: [StandInMaintenancePlan]) {
        box.mutex.withLock { state in
            for index in state.incidents.alerts.indices where state.incidents.alerts[index].id == alertID {
                state.incidents.alerts[index].maintenancePlans = plans
            }
        }
    }

    /// Adds an activity to an incident's feed, at `at` (epoch seconds), by a person unless `by` says
    /// otherwise; returns it.
    @discardableResult
    public func addActivity(
        incidentID: String, type: String, at: Int64, by actor: StandInActor = .user("Dana")
    ) -> StandInActivity {
        box.mutex.withLock { $0.incidents.people.add(incidentID: incidentID, type: type, at: at, by: actor) }
    }

    /// Chooses how pages of activities are wrapped (default `.activities`).
    public func setActivitiesEnvelope(_ envelope: StandInActivitiesEnvelope) {
        box.mutex.withLock { $0.incidents.people.envelope = envelope }
    }

    /// Sets the longest comment accepted, in characters (default 2,000).
    public func setMaxCommentLength(_ characters: Int) {
        box.mutex.withLock { $0.incidents.people.maxCommentLength = characters }
    }

    /// Makes the next `times` activities requests with the right key answer `status` (with
    /// `Retry-After: retryAfter` when given) instead of the feed.
    public func failActivities(status: Int, times: Int = 1, retryAfter: Int? = nil) {
        box.mutex.withLock {
            $0.incidents.people.activitiesFault = StandInFault(status: status, remaining: times, retryAfter: retryAfter)
        }
    }

    /// Makes the next `times` comment requests with the right key answer `status` (with `Retry-After`
    /// when given) without recording the comment.
    public func failComments(status: Int, times: Int = 1, retryAfter: Int? = nil) {
        box.mutex.withLock {
            $0.incidents.people.commentsFault = StandInFault(status: status, remaining: times, retryAfter: retryAfter)
        }
    }

    /// Every comment accepted, in order.
    public var comments: [StandInComment] { box.mutex.withLock { $0.incidents.people.comments } }
    /// Every comment request with the right key, accepted or refused, in order.
    public var commentRequests: [StandInCommentRequest] {
        box.mutex.withLock { $0.incidents.people.commentRequests }
    }
    /// Every activities request with the right key, faults included, in order.
    public var activityRequests: [StandInActivityRequest] {
        box.mutex.withLock { $0.incidents.people.activityRequests }
    }

    /// An incident's activity feed, newest first.
    public func activities(incidentID: String) -> [StandInActivity] {
        box.mutex.withLock { $0.incidents.people.feed(incidentID: incidentID) }
    }
}
