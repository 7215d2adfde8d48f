import Alerts
import StandInHTTP
import Synchronization

extension AlertsStandIn {
    /// The path prefix of an incident's activities, which is not under an environment.
    static let activitiesPrefix = "/resources/v2.0/incidents/"

    /// Answers `GET /resources/v2.0/incidents/{id}/activities` (the key already checked).
    static func activitiesReply(_ request: StandInRequest, box: Box) -> StandInResponse {
        let (path, query) = split(request.path)
        let rest = path.dropFirst(activitiesPrefix.count).split(separator: "/", omittingEmptySubsequences: false)
        guard rest.count == 2, rest[1] == "activities", !rest[0].isEmpty else { return failure(404, "Not Found") }
        guard request.method == "GET" else { return failure(405, "Method Not Allowed") }
        let incidentID = String(rest[0])
        let page = query["page"].map { Int($0) ?? 0 } ?? 1
        let perPage = query["per_page"].map { Int($0) ?? 0 } ?? 20
        let types = query["types"].map { Set($0.split(separator: ",").map(String.init)) }
        return box.mutex.withLock { state in
            let answer: StandInResponse
            if let fault = state.incidents.people.activitiesFault?.take() {
                answer = faultReply(fault)
            } else if !(1...100).contains(perPage) || page < 1 {
                answer = failure(400, "page must be at least 1 and per_page 1 to 100")
            } else if !state.incidents.alerts.contains(where: { $0.incidentID == incidentID }) {
                answer = failure(404, "incident not found")
            } else {
                answer = .json(
                    200, state.incidents.people.page(incidentID: incidentID, page: page, perPage: perPage, types: types)
                )
            }
            state.incidents.people.activityRequests.append(
                StandInActivityRequest(incidentID: incidentID, page: page, perPage: perPage, status: answer.status))
            return answer
        }
    }

    /// Answers `POST …/environments/{id}/incidents/{incident}/comments` (the key and environment
    /// already checked).
    static func commentReply(_ request: StandInRequest, incidentID: String, box: Box) -> StandInResponse {
        let now = wallClock()
        return box.mutex.withLock { state in
            let answer = commentAnswer(request, incidentID: incidentID, state: &state.incidents, now: now)
            state.incidents.people.commentRequests.append(
                StandInCommentRequest(
                    incidentID: incidentID, body: String(decoding: request.body, as: UTF8.self), status: answer.status))
            return answer
        }
    }

    private static func commentAnswer(
        _ request: StandInRequest, incidentID: String, state: inout IncidentsState, now: Int64
    ) -> StandInResponse {
        if let fault = state.people.commentsFault?.take() {
            return faultReply(fault)
        }
        guard state.alerts.contains(where: { $0.incidentID == incidentID }) else {
            return failure(404, "incident not found")
        }
        guard let contentType = request.header("Content-Type")?.lowercased(), contentType.hasPrefix("application/json")
        else {
            return failure(415, "Content-Type must be application/json")
        }
        guard let body = try? JSONParser.parse(request.body).objectValue, let text = body["comment"]?.stringValue,
            !text.isEmpty
        else {
            return failure(400, "the body must be {\"comment\": \"...\"} with a non-empty comment")
        }
        guard text.count <= state.people.maxCommentLength else {
            return failure(400, "comment longer than \(state.people.maxCommentLength) characters")
        }
        state.people.comments.append(StandInComment(incidentID: incidentID, text: text, at: now))
        let activity = state.people.add(
            incidentID: incidentID, type: "incident_commented", at: now, by: .api(), comment: text)
        let answer = JSONObject([
            ("id", .string(activity.id)), ("incident_id", .string(incidentID)), ("comment", .string(text)),
            ("created_at", .integer(now)),
            (
                "created_by",
                .object(JSONObject([("type", .string("api")), ("name", .string(activity.createdBy.name))]))
            ),
        ])
        return .json(201, answer.serialized())
    }

    /// BigPanda's error answer.
    static func failure(_ status: Int, _ message: String) -> StandInResponse {
        .json(status, JSONObject([("status", .string("failure")), ("error", .string(message))]).serialized())
    }

    private static func faultReply(_ fault: StandInFault) -> StandInResponse {
        var answer = failure(fault.status, "injected fault: HTTP \(fault.status)")
        if let seconds = fault.retryAfter { answer.headers.append(("Retry-After", String(seconds))) }
        return answer
    }
}
