import Alerts
import BigPanda
import Testing

/// The pure rules of what a person set in BigPanda that keeps an alert open.
@Suite struct IncidentHoldTests {
    /// 2027-01-15T08:00:00Z.
    static let now: Int64 = 1_800_000_000
    /// The alert's last event, an hour before now.
    static let lastEvent = now - 3_600
    static let incidentID = "65a4f1c2e3b4a5d6c7e8f901"

    static func alert(
        snooze: IncidentSnooze? = nil, maintenance: JSONValue? = nil, plans: [MaintenancePlan] = []
    ) -> IncidentAlert {
        IncidentAlert(
            id: "a1", incidentID: incidentID, status: "critical", active: true, sourceSystem: "logzio.prod",
            primaryProperty: "host", secondaryProperty: nil, tags: [("host", .string("web-1"))], incidentKey: nil,
            lastEventAt: lastEvent, incidentSnooze: snooze, incidentMaintenance: maintenance, maintenancePlans: plans)
    }

    static func activity(_ type: String, at: Int64?, by actor: String = "user", name: String? = "Dana")
        -> IncidentActivity
    {
        IncidentActivity(type: type, createdAt: at, actorType: actor, actorName: name)
    }

    struct Case: Sendable, CustomTestStringConvertible {
        var name: String
        var alert: IncidentAlert
        var activities: [IncidentActivity] = []
        var held: [IncidentHold]
        var testDescription: String { name }
    }

    static let assigned = IncidentActivity.assigned
    static let unassigned = IncidentActivity.unassigned
    static let commented = IncidentActivity.commented

    static let cases: [Case] = [
        Case(name: "nothing set", alert: alert(), held: []),
        Case(name: "snoozed with no end", alert: alert(snooze: IncidentSnooze(snoozed: true)), held: [.snoozed]),
        Case(
            name: "snoozed until later", alert: alert(snooze: IncidentSnooze(snoozed: true, endTime: now + 60)),
            held: [.snoozed]),
        Case(
            name: "snooze ended a minute ago", alert: alert(snooze: IncidentSnooze(snoozed: true, endTime: now - 60)),
            held: []),
        Case(
            name: "snooze ends right now", alert: alert(snooze: IncidentSnooze(snoozed: true, endTime: now)),
            held: []),
        Case(
            name: "snooze lifted before its end",
            alert: alert(snooze: IncidentSnooze(snoozed: false, endTime: now + 3_600)), held: []),
        Case(
            name: "incident in partial maintenance", alert: alert(maintenance: .string("partial")), held: [.maintenance]
        ),
        Case(
            name: "incident maintenance as an object",
            alert: alert(maintenance: .object(JSONObject([("state", .string("active"))]))), held: [.maintenance]),
        Case(
            name: "plan active now", alert: alert(plans: [MaintenancePlan(start: now - 60, end: now + 60)]),
            held: [.maintenance]),
        Case(
            name: "plan starting right now", alert: alert(plans: [MaintenancePlan(start: now, end: now + 60)]),
            held: [.maintenance]),
        Case(
            name: "plan ending right now (expired)", alert: alert(plans: [MaintenancePlan(start: now - 60, end: now)]),
            held: []),
        Case(
            name: "plan not started yet", alert: alert(plans: [MaintenancePlan(start: now + 1, end: now + 60)]),
            held: []),
        Case(
            name: "one expired and one active plan",
            alert: alert(plans: [
                MaintenancePlan(start: now - 120, end: now - 60), MaintenancePlan(start: now - 60, end: now + 60),
            ]), held: [.maintenance]),
        Case(
            name: "plan known only by its id", alert: alert(plans: [MaintenancePlan(id: "p-1")]), held: [.maintenance]),
        Case(
            name: "assigned a minute ago", alert: alert(), activities: [activity(assigned, at: now - 60)],
            held: [.assigned]),
        Case(
            name: "assigned a year ago, never unassigned", alert: alert(),
            activities: [activity(assigned, at: now - 365 * 86_400)], held: [.assigned]),
        Case(
            name: "assigned then unassigned", alert: alert(),
            activities: [activity(unassigned, at: now - 30), activity(assigned, at: now - 60)], held: []),
        Case(
            name: "unassigned then assigned again", alert: alert(),
            activities: [
                activity(assigned, at: now - 10), activity(unassigned, at: now - 30), activity(assigned, at: now - 60),
            ], held: [.assigned]),
        Case(
            name: "unassignment listed out of order is still later by time", alert: alert(),
            activities: [activity(assigned, at: now - 60), activity(unassigned, at: now - 30)], held: []),
        Case(
            name: "assigned and unassigned in one second: the feed's order decides", alert: alert(),
            activities: [activity(unassigned, at: now - 30), activity(assigned, at: now - 30)], held: []),
        Case(
            name: "assigned by an automation still holds", alert: alert(),
            activities: [activity(assigned, at: now - 60, by: "api", name: "router")], held: [.assigned]),
        Case(
            name: "a person commented after the last event", alert: alert(),
            activities: [activity(commented, at: lastEvent + 1)], held: [.commented]),
        Case(
            name: "a person commented before the last event", alert: alert(),
            activities: [activity(commented, at: lastEvent - 1)], held: []),
        Case(
            name: "a comment in the last event's second", alert: alert(),
            activities: [activity(commented, at: lastEvent)], held: []),
        Case(
            name: "the tool's own comment never holds", alert: alert(),
            activities: [activity(commented, at: now - 10, by: "api", name: "API")], held: []),
        Case(
            name: "a person's comment without a time holds", alert: alert(),
            activities: [activity(commented, at: nil)], held: [.commented]),
        Case(
            name: "other activities hold nothing", alert: alert(),
            activities: [activity("incident_snoozed", at: now - 10), activity("incident_reopened", at: now - 5)],
            held: []),
        Case(
            name: "all four at once, in keep_when's order",
            alert: alert(snooze: IncidentSnooze(snoozed: true), maintenance: .string("active")),
            activities: [activity(commented, at: now - 10), activity(assigned, at: now - 20)],
            held: [.snoozed, .maintenance, .assigned, .commented]),
    ]

    @Test(arguments: cases)
    func eachHoldIsKeptOrReleased(_ test: Case) {
        let found = IncidentHold.holds(
            on: test.alert, activities: test.activities, lastEventAt: Self.lastEvent, now: Self.now)
        #expect(found.map(\.hold) == test.held)
    }

    @Test func onlyTheHoldsAskedForAreChecked() {
        let alert = Self.alert(snooze: IncidentSnooze(snoozed: true), maintenance: .string("active"))
        let activities = [Self.activity(Self.assigned, at: Self.now - 20)]
        let found = IncidentHold.holds(
            on: alert, activities: activities, lastEventAt: Self.lastEvent, now: Self.now,
            checking: [.assigned, .commented])
        #expect(found.map(\.hold) == [.assigned])
        #expect(IncidentHold.allCases.filter(\.needsActivities) == [.assigned, .commented])
        #expect(IncidentHold.allCases.map(\.rawValue) == ["snoozed", "maintenance", "assigned", "commented"])
    }

    @Test(
        arguments: [
            (
                alert(snooze: IncidentSnooze(snoozed: true, endTime: now + 2 * 3_600 + 300)), [],
                "incident 65a4f1c2… is snoozed until 10:05 UTC"
            ),
            (
                alert(snooze: IncidentSnooze(snoozed: true, endTime: now + 3 * 86_400)), [],
                "incident 65a4f1c2… is snoozed until 2027-01-18 08:00 UTC"
            ),
            (alert(snooze: IncidentSnooze(snoozed: true)), [], "incident 65a4f1c2… is snoozed with no end"),
            (alert(maintenance: .string("partial")), [], "incident 65a4f1c2… is in maintenance (partial)"),
            (alert(maintenance: .bool(true)), [], "incident 65a4f1c2… is in maintenance"),
            (
                alert(plans: [MaintenancePlan(id: "p-9", name: "Nightly DB", start: now - 60, end: now + 1_800)]), [],
                "maintenance plan \"Nightly DB\" is active until 08:30 UTC"
            ),
            (alert(plans: [MaintenancePlan(id: "p-9")]), [], "maintenance plan p-9 is active with no end"),
            (
                alert(), [activity(assigned, at: now - 1_200)],
                "incident 65a4f1c2… is assigned (by Dana at 07:40 UTC)"
            ),
            (alert(), [activity(assigned, at: nil, name: nil)], "incident 65a4f1c2… is assigned"),
            (
                alert(), [activity(commented, at: now - 600, name: "Eve"), activity(commented, at: now - 900)],
                "Eve commented on incident 65a4f1c2… at 07:50 UTC, after the alert's last event"
            ),
        ] as [(IncidentAlert, [IncidentActivity], String)])
    func reasonsSayWhatHoldsAndUntilWhen(alert: IncidentAlert, activities: [IncidentActivity], reason: String) {
        let found = IncidentHold.holds(on: alert, activities: activities, lastEventAt: Self.lastEvent, now: Self.now)
        #expect(found.map(\.reason) == [reason])
    }

    @Test func aShortIncidentIDIsShownWhole() {
        var alert = Self.alert(snooze: IncidentSnooze(snoozed: true))
        alert.incidentID = "inc-7"
        let reason = IncidentHold.snoozed.reason(on: alert, activities: [], lastEventAt: 0, now: Self.now)
        #expect(reason == "incident inc-7 is snoozed with no end")
    }
}
