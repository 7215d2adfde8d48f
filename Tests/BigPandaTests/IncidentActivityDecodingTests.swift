import Alerts
import Testing

@testable import BigPanda

/// The tolerant readings of an incident's activity feed, whose shape BigPanda documents thinly.
@Suite struct IncidentActivityDecodingTests {
    @Test(
        arguments: [
            (
                #"{"id":"x1","type":"incident_assigned","created_at":1800000000,"created_by":{"type":"user","name":"Dana"}}"#,
                IncidentActivity(
                    id: "x1", type: "incident_assigned", createdAt: 1_800_000_000, actorType: "user", actorName: "Dana")
            ),
            (
                #"{"id":9,"type":"incident_commented","created_at":1800000000123,"created_by":{"type":"USER","email":"e@x.io"}}"#,
                IncidentActivity(
                    id: "9", type: "incident_commented", createdAt: 1_800_000_000, actorType: "user",
                    actorName: "e@x.io")
            ),
            (
                #"{"type":"incident_commented","created_at":"2027-01-15T08:00:00Z","created_by":{"type":"api","name":""}}"#,
                IncidentActivity(type: "incident_commented", createdAt: 1_800_000_000, actorType: "api", actorName: nil)
            ),
            (
                #"{"type":"incident_snoozed","created_at":1800000000.9,"created_by":"Dana"}"#,
                IncidentActivity(type: "incident_snoozed", createdAt: 1_800_000_000, actorType: nil, actorName: nil)
            ),
            (
                #"{"type":"incident_reopened","created_at":-5}"#,
                IncidentActivity(type: "incident_reopened", createdAt: nil, actorType: nil, actorName: nil)
            ),
        ] as [(String, IncidentActivity)])
    func readsAnActivity(text: String, activity: IncidentActivity) throws {
        #expect(IncidentActivity.decode(try JSONParser.parse(text)) == activity)
    }

    @Test func anActivityWithoutATypeIsSkipped() throws {
        #expect(IncidentActivity.decode(try JSONParser.parse(#"{"id":"x","created_at":1}"#)) == nil)
        #expect(IncidentActivity.decode(try JSONParser.parse(#""incident_assigned""#)) == nil)
        #expect(!IncidentActivity(type: "t", createdAt: nil, actorType: "api").byPerson)
        #expect(IncidentActivity(type: "t", createdAt: nil, actorType: "user").byPerson)
    }

    @Test(
        arguments: [
            (#"[{"type":"a"},{"type":"b"},{"x":1}]"#, ["a", "b"], 3, nil),
            (#"{"activities":[{"type":"a"}],"total":7}"#, ["a"], 1, 7),
            (#"{"items":[{"type":"a"},{"type":"b"}]}"#, ["a", "b"], 2, nil),
            (#"{"activities":[],"items":[{"type":"a"}]}"#, [], 0, nil),
        ] as [(String, [String], Int, Int?)])
    func readsAPageInAnyEnvelope(text: String, types: [String], count: Int, total: Int?) throws {
        let page = try #require(IncidentActivity.decodePage(try JSONParser.parse(text)))
        #expect(page.activities.map(\.type) == types)
        #expect(page.count == count)
        #expect(page.total == total)
    }

    @Test(arguments: [#"{"data":[]}"#, #"{"activities":{}}"#, #""x""#, "null"])
    func anAnswerWithoutAListIsNotAPage(text: String) throws {
        #expect(IncidentActivity.decodePage(try JSONParser.parse(text)) == nil)
    }
}
