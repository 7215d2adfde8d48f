import Alerts
import Testing

@Suite struct AlertValidationTests {
    private func validate(_ text: String, appKey: String? = nil) throws -> Alert {
        try Alert.validate(try JSONParser.parse(text), defaultAppKey: appKey)
    }

    @Test(arguments: [
        (#"[1]"#, ""),
        (#"{"app_key":"k","host":"h"}"#, "status"),
        (#"{"app_key":"k","status":"firing","host":"h"}"#, "status"),
        (#"{"app_key":"k","status":3,"host":"h"}"#, "status"),
        (#"{"status":"critical","host":"h"}"#, "app_key"),
        (#"{"app_key":"","status":"critical","host":"h"}"#, "app_key"),
        (#"{"app_key":"k","status":"critical","check":"c"}"#, "host"),
        (#"{"app_key":"k","status":"critical","host":""}"#, "host"),
        (#"{"app_key":"k","status":"critical","host":1.5}"#, "host"),
        (#"{"app_key":"k","status":"critical","host":true}"#, "host"),
        (#"{"app_key":"k","status":"critical","primary_property":"svc","host":"h"}"#, "primary_property"),
        (#"{"app_key":"k","status":"critical","host":"h","secondary_property":"chk"}"#, "secondary_property"),
        (#"{"app_key":"k","status":"critical","host":"h","incident_identifier":""}"#, "incident_identifier"),
        (#"{"app_key":"k","status":"critical","host":"h","description":5}"#, "description"),
        (#"{"app_key":"k","status":"critical","host":"h","timestamp":"1764237600"}"#, "timestamp"),
        (#"{"app_key":"k","status":"critical","host":"h","timestamp":1764237600000}"#, "timestamp"),
        (#"{"app_key":"k","status":"critical","host":"h","timestamp":1764237600.5}"#, "timestamp"),
    ])
    func rejectsNamingTheField(text: String, field: String) {
        do {
            _ = try validate(text)
            Issue.record("accepted \(text)")
        } catch let error as AlertValidationError {
            #expect(error.field == field, "\(error)")
        } catch {
            Issue.record("unexpected \(error)")
        }
    }

    @Test func lowercasesStatusAndFillsAppKey() throws {
        let alert = try validate(#"{"status":"CRITICAL","host":"web-1","check":"cpu"}"#, appKey: "env-key")
        #expect(alert.status == .critical)
        #expect(alert.payload["status"] == .string("critical"))
        #expect(alert.payload["app_key"] == .string("env-key"))
        #expect(alert.identity.appKey == "env-key")
    }

    @Test func ownAppKeyWinsOverTheDefault() throws {
        let alert = try validate(#"{"app_key":"own","status":"ok","host":"h"}"#, appKey: "env-key")
        #expect(alert.identity.appKey == "own")
    }

    @Test(arguments: [
        (#"{"app_key":"k","status":"critical","host":"web-1","check":"cpu"}"#, "host=web-1 check=cpu"),
        (#"{"app_key":"k","status":"critical","service":"web-1"}"#, "service=web-1"),
        (#"{"app_key":"k","status":"critical","device":7,"sensor":"t"}"#, "device=7 sensor=t"),
        (#"{"app_key":"k","status":"critical","host":"h","service":"s","check":"c","sensor":"x"}"#, "host=h check=c"),
        (
            #"{"app_key":"k","status":"critical","primary_property":"svc","svc":"a","secondary_property":"x","x":"y","host":"h"}"#,
            "svc=a x=y"
        ),
        (
            #"{"app_key":"k","status":"critical","host":"h","check":"c","incident_identifier":"INC-1"}"#,
            "incident_identifier=INC-1"
        ),
    ])
    func identityFollowsBigPandasRule(text: String, display: String) throws {
        #expect(try validate(text).identity.display == display)
    }

    @Test func hostAndServiceWithTheSameValueAreDifferentAlerts() throws {
        let host = try validate(#"{"app_key":"k","status":"critical","host":"web-1"}"#)
        let service = try validate(#"{"app_key":"k","status":"critical","service":"web-1"}"#)
        #expect(host.identity.key != service.identity.key)
        let otherKey = try validate(#"{"app_key":"k2","status":"critical","host":"web-1"}"#)
        #expect(host.identity.key != otherKey.identity.key)
    }

    @Test func keepsTimestamp() throws {
        #expect(
            try validate(#"{"app_key":"k","status":"ok","host":"h","timestamp":1764237600}"#).timestamp == 1_764_237_600
        )
    }
}
