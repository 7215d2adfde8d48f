import BigPanda
import Logging

extension Sweeper {
    /// Posts one comment on each incident whose alerts this run closed (BigPanda accepted the `ok`s, or
    /// the close by id), saying what closed and why; at most `maxComments`, paced as every Incidents API
    /// request. A comment that fails is a warning and a count, never a failed close; once BigPanda stops
    /// answering (a 429, 5xx or network failure after the client's retries), the rest are not attempted.
    func comment(
        on candidates: [Candidate], people: PeopleSettings, incidents: any IncidentsAPI, into report: inout SweepReport
    ) async {
        let resolved = Set(report.actions.filter { $0.action == .resolved }.compactMap(\.alertID))
        var order: [String] = []
        var closed: [String: [Candidate]] = [:]
        for candidate in candidates where resolved.contains(candidate.alertID) {
            guard let incident = candidate.remote?.incidentID else { continue }
            if closed[incident] == nil { order.append(incident) }
            closed[incident, default: []].append(candidate)
        }
        var skipped = max(0, order.count - people.maxComments)
        if skipped > 0 {
            logger.warning(
                "more incidents closed than max_comments_per_run; the rest get no comment",
                metadata: ["bigpanda.comments_skipped": "\(skipped)"])
        }
        for (position, incident) in order.prefix(people.maxComments).enumerated() {
            let text = Self.commentText(closed[incident] ?? [])
            do {
                _ = try await incidents.comment(incidentID: incident, text: text)
                report.comments += 1
            } catch {
                report.commentFailures += 1
                logger.warning(
                    "cannot comment on a closed incident",
                    metadata: ["incident.id": "\(incident)", "error": "\(error)"])
                if case .failed(let status, _) = error, status.map({ $0 >= 500 || $0 == 429 }) ?? true {
                    skipped = min(people.maxComments, order.count) - position - 1
                    if skipped > 0 {
                        report.commentFailures += skipped
                        logger.warning(
                            "BigPanda is not taking comments; the rest of this run's are not posted",
                            metadata: ["bigpanda.comments_skipped": "\(skipped)"])
                    }
                    return
                }
            }
        }
    }

    /// The comment on an incident: what logzio-resolver closed and why, at most 2,000 characters; what
    /// does not fit is counted, `… and N more`.
    static func commentText(_ closed: [Candidate]) -> String {
        let limit = PeopleSettings.maxCommentLength
        var text = "logzio-resolver closed \(closed.count) alert\(closed.count == 1 ? "" : "s"): "
        for (index, candidate) in closed.enumerated() {
            let item = (index == 0 ? "" : "; ") + "\(candidate.identity) (\(Self.flattened(candidate.reason)))"
            let left = closed.count - index - 1
            // Room to say how many are left, when this one is not the last.
            let reserve = left > 0 ? "; … and \(left) more".count : 0
            guard text.count + item.count + reserve > limit else {
                text += item
                continue
            }
            let more = "; … and \(closed.count - index) more"
            guard index == 0 else { return text + more }
            // Even the first alone is too long: cut it.
            let tail = closed.count > 1 ? "… and \(closed.count - 1) more" : "…"
            return text + String(item.prefix(max(0, limit - text.count - tail.count))) + tail
        }
        return text
    }

    /// A decision's reason in one level of parentheses, for a comment: `no notification for 3h12m (rule
    /// "default", stale after 1h)` reads `no notification for 3h12m, rule default, stale after 1h`.
    static func flattened(_ reason: String) -> String {
        guard reason.hasSuffix(")"), let open = reason.firstRange(of: " (rule \"") else { return reason }
        let inner = reason[open.upperBound..<reason.index(before: reason.endIndex)]
        guard let quote = inner.firstIndex(of: "\"") else { return reason }
        return reason[..<open.lowerBound] + ", rule " + inner[..<quote] + inner[inner.index(after: quote)...]
    }
}
