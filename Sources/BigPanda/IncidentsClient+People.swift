import Alerts
import Curl

extension IncidentsClient {
    /// Reads an incident's activity feed, every page, newest first as BigPanda lists it:
    /// `GET {api_url}/resources/v2.0/incidents/{id}/activities?page=N&per_page=M` (not under an
    /// environment), with the user API key.
    ///
    /// Pages are read until one is short or brings nothing new, or the feed's `total` is read. Each
    /// request is paced and retried as a search's are, under one deadline for the whole feed. A feed
    /// longer than `maxActivityPages` pages is an error rather than a partial answer: a hold found only
    /// on a later page must not be missed.
    public func activities(incidentID: String) async throws(IncidentsError) -> [IncidentActivity] {
        let policy = retryPolicy()
        let perPage = max(1, options.activitiesPerPage)
        let path = root + "/resources/v2.0/incidents/" + PercentEncoding.encoded(incidentID) + "/activities"
        var activities: [IncidentActivity] = []
        var seen: Set<String> = []
        var read = 0
        for page in 1...IncidentsClientOptions.maxActivityPages {
            let url = path + "?page=\(page)&per_page=\(perPage)"
            let body = try await request(method: "GET", url: url, body: [], paced: pacer, policy: policy).body
            guard let value = try? JSONParser.parse(body), let answer = IncidentActivity.decodePage(value) else {
                throw .failed(
                    status: 200, message: "the activities answer is neither a list nor an object with activities")
            }
            var fresh = 0
            for activity in answer.activities {
                if let id = activity.id, !seen.insert(id).inserted { continue }
                fresh += 1
                activities.append(activity)
            }
            read += answer.count
            if answer.count < perPage || fresh == 0 { return activities }
            if let total = answer.total, read >= total { return activities }
        }
        throw .failed(
            status: 200,
            message:
                "incident \(incidentID) has more than \(IncidentsClientOptions.maxActivityPages * perPage) activities")
    }

    /// Posts one comment on an incident: `POST …/environments/{environment_id}/incidents/{id}/comments`
    /// with `{"comment": text}` and the user API key. Returns the HTTP status and the requests it took.
    ///
    /// It is paced and retried as the other calls are: 429, 5xx and network errors back off until the
    /// deadline; any other 4xx ends it at once (401, 403 and 404 as refusals), so a refused comment is
    /// never sent twice.
    public func comment(incidentID: String, text: String) async throws(IncidentsError) -> (
        status: Int, attempts: Int
    ) {
        let body = JSONObject([("comment", .string(text))]).serialized()
        let answer = try await request(
            method: "POST", url: base + "/incidents/" + PercentEncoding.encoded(incidentID) + "/comments",
            body: Array(body.utf8), paced: pacer, policy: retryPolicy())
        return (answer.status, answer.attempts)
    }
}
