import Alerts
import Testing

@testable import BigPanda

/// The tolerant readings of what an incident search says people set: snoozes, maintenance and plans.
@Suite struct IncidentHoldsDecodingTests {
    static func incident(_ members: String, alert: String = #"{"id":"a1"}"#) throws -> IncidentAlert {
        let incident = try #require(try JSONParser.parse(#"{"id":"i1",\#(members)}"#).objectValue)
        return try #require(IncidentAlert.decode(try JSONParser.parse(alert), of: incident, incidentID: "i1"))
    }

    @Test(
        arguments: [
            (
                #""snooze":{"snoozed":true,"end_time":1800000600}"#,
                IncidentSnooze(snoozed: true, endTime: 1_800_000_600)
            ),
            (
                #""snooze":{"snoozed":true,"end_time":1800000600000}"#,
                IncidentSnooze(snoozed: true, endTime: 1_800_000_600)
            ),
            (#""snooze":{"snoozed":true,"end_time":null}"#, IncidentSnooze(snoozed: true)),
            (
                #""snooze":{"snoozed":true,"end_time":"2027-01-15T08:10:00Z","cancel_on_incident_updates":true}"#,
                IncidentSnooze(snoozed: true, endTime: 1_800_000_600, cancelOnIncidentUpdates: true)
            ),
            (#""snooze":{"snoozed":"yes"}"#, IncidentSnooze(snoozed: false)),
            (#""snooze":{"end_time":1800000600}"#, IncidentSnooze(snoozed: false, endTime: 1_800_000_600)),
            (#""snooze":null"#, nil),
            (#""snooze":true"#, nil),
            (#""status":"critical""#, nil),
        ] as [(String, IncidentSnooze?)])
    func readsTheIncidentsSnooze(members: String, snooze: IncidentSnooze?) throws {
        #expect(try Self.incident(members).incidentSnooze == snooze)
    }

    @Test(
        arguments: [
            (#""maintenance":null"#, nil),
            (#""maintenance":false"#, nil),
            (#""maintenance":"""#, nil),
            (#""maintenance":{}"#, nil),
            (#""status":"critical""#, nil),
            (#""maintenance":"partial""#, JSONValue.string("partial")),
            (#""maintenance":true"#, .bool(true)),
            (#""maintenance":{"state":"active"}"#, .object(JSONObject([("state", .string("active"))]))),
        ] as [(String, JSONValue?)])
    func readsTheIncidentsMaintenance(members: String, maintenance: JSONValue?) throws {
        #expect(try Self.incident(members).incidentMaintenance == maintenance)
    }

    @Test func readsTheAlertsPlansWhicheverWayTheyCome() throws {
        let alert = try Self.incident(
            #""maintenance":null"#,
            alert: #"""
                {"id":"a1","maintenance_plans":[{"id":"p1","name":"Nightly","start":100,"end":200},
                 {"id":7,"start":"2027-01-15T08:00:00Z"},"p3",42,{"name":"ms","end":1800000600000},[1],null]}
                """#)
        #expect(
            alert.maintenancePlans == [
                MaintenancePlan(id: "p1", name: "Nightly", start: 100, end: 200),
                MaintenancePlan(id: "7", start: 1_800_000_000),
                MaintenancePlan(id: "p3"), MaintenancePlan(id: "42"),
                MaintenancePlan(name: "ms", end: 1_800_000_600),
            ])
        #expect(try Self.incident("\"x\":1").maintenancePlans.isEmpty)
        #expect(MaintenancePlan(start: 100, end: 200).isActive(at: 199))
        #expect(!MaintenancePlan(start: 100, end: 200).isActive(at: 200))
        #expect(!MaintenancePlan(start: 100, end: 200).isActive(at: 99))
    }
}
