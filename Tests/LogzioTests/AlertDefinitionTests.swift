import Alerts
import Logzio
import Testing

/// The usable definition id, and tolerant decoding of `GET /v2/alerts`.
@Suite struct AlertDefinitionTests {
    static let ids: [(String, Int64?)] = [
        ("12", 12), ("0", 0), (#""12""#, 12), (#""007""#, 7), ("9223372036854775807", .max),
        ("12.5", nil), ("1e3", nil), ("12.0", nil), ("-5", nil), ("-0", nil), (#""-5""#, nil), (#"" 12""#, nil),
        (#""12 ""#, nil), (#""""#, nil), (#""12a""#, nil), (#""１２""#, nil), ("null", nil), ("true", nil),
        ("[12]", nil), (#"{"id":12}"#, nil), ("99999999999999999999", nil), (#""99999999999999999999""#, nil),
    ]

    @Test(arguments: ids)
    func usableIDs(json: String, expected: Int64?) throws {
        #expect(AlertDefinition.usableID(try JSONParser.parse(json)) == expected)
    }

    @Test func aMissingValueHasNoID() {
        #expect(AlertDefinition.usableID(nil) == nil)
    }

    @Test func decodesTheOfficialClientsFixture() throws {
        let body = """
            [{"id":1234567,"enabled":true,"title":"test create alert","output":{"suppressNotificationsMinutes":5,"type":"JSON"},
             "searchTimeFrameMinutes":5,"subComponents":[{"queryDefinition":{"query":"loglevel:ERROR"},
             "trigger":{"operator":"EQUALS","severityThresholdTiers":{"HIGH":10.0}}}]}]
            """
        let list = try DefinitionList(decoding: Array(body.utf8))
        #expect(
            list.definitions == [
                AlertDefinition(
                    id: 1_234_567, title: "test create alert", isEnabled: true, searchTimeFrameMinutes: 5,
                    suppressNotificationsMinutes: 5)
            ])
        #expect(list.skippedCount == 0)
    }

    @Test func decodesTolerantly() throws {
        let body = """
            [
              {"id": 1, "searchTimeFrameMinutes": 15},
              {"id": "2", "title": "string id", "enabled": false, "output": {"recipients": {"emails": []}}},
              {"id": 3, "enabled": "false", "output": null, "schedule": null, "recipients": 7, "newField": {"x": [1]}},
              {"id": 4, "searchTimeFrameMinutes": "30", "output": {"suppressNotificationsMinutes": 60},
               "schedule": {"cronExpression": "0 0/10 * ? * * *", "timezone": "Europe/Berlin"}},
              {"id": 5, "searchTimeFrameMinutes": -5, "output": {"suppressNotificationsMinutes": 1.5},
               "schedule": {"cronExpression": "  ", "timezone": ""}},
              {"id": 6, "enabled": null, "schedule": {"cronExpression": "0 0 9 ? * MON"}},
              {"id": 12.5}, {"id": "-5"}, {"title": "no id"}, 42, "text", null, {"id": 1, "title": "a repeat"}
            ]
            """
        let list = try DefinitionList(decoding: Array(body.utf8))
        #expect(
            list.definitions == [
                AlertDefinition(id: 1, searchTimeFrameMinutes: 15),
                AlertDefinition(id: 2, title: "string id", isEnabled: false),
                AlertDefinition(id: 3, isEnabled: false),
                AlertDefinition(
                    id: 4, searchTimeFrameMinutes: 30, suppressNotificationsMinutes: 60,
                    cronExpression: "0 0/10 * ? * * *", timeZone: "Europe/Berlin"),
                AlertDefinition(id: 5),
                AlertDefinition(id: 6, cronExpression: "0 0 9 ? * MON"),
            ])
        #expect(list.skippedCount == 7)
        #expect(list.ids == [1, 2, 3, 4, 5, 6])
        #expect(list.byID[4]?.timeZone == "Europe/Berlin")
    }

    @Test(arguments: [
        ("", "it is not JSON (invalid JSON at byte 0"),
        ("<html>Bad Gateway</html>", "it is not JSON"),
        (#"{"alerts": []}"#, "it is an object, not an array of alert definitions"),
        ("null", "it is null, not an array"),
    ])
    func refusesABodyThatIsNotAList(body: String, reason: String) {
        #expect {
            try DefinitionList(decoding: Array(body.utf8))
        } throws: { error in
            let text = (error as? DefinitionListError)?.description ?? ""
            return text.hasPrefix("the body is not a list of Logz.io alert definitions: ") && text.contains(reason)
        }
    }

    @Test func anEmptyListIsAList() throws {
        #expect(try DefinitionList(decoding: Array("[]".utf8)) == DefinitionList(definitions: []))
    }
}
