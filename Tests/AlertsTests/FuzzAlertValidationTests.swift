import Alerts
import TestSupport
import Testing

/// `Alert.validate` against an independent model of SPEC.md's "Accepted alerts" and "Identity" rules, on
/// generated payloads, and crash-freedom on mutated ones.
@Suite struct FuzzAlertValidationTests {
    // MARK: Generator: each field present or not, with good and bad values.

    static let statuses: [JSONValue] = [
        .string("ok"), .string("critical"), .string("warning"), .string("unknown"), .string("acknowledged"),
        .string("OK"), .string("Critical"), .string("WARNING"), .string("firing"), .string(""), .string(" ok"),
        .string("resolved"), .number("1"), .null, .bool(true), .array([]),
    ]
    static let texts: [JSONValue] = [
        .string("web-1"), .string(""), .string("é"), .string("a b"), .number("42"), .number("-7"), .number("4.5"),
        .number("1e3"), .number("123456789012345678901234567890"), .bool(false), .null, .array([.string("x")]),
        .object(JSONObject([("a", .number("1"))])),
    ]
    static let timestamps: [JSONValue] = [
        .number("1764237600"), .number("0000000001"), .number("176423760"), .number("17642376000"),
        .number("-176423760"), .number("1764237600.5"), .number("1.764237600e9"), .string("1764237600"), .null,
    ]
    static let fieldNames = ["host", "service", "application", "device", "check", "sensor", "custom", "nope", ""]

    static func payload(using random: inout FuzzRandom) -> JSONObject {
        var members: [(key: String, value: JSONValue)] = []
        func maybe(_ key: String, _ probability: Double, _ values: [JSONValue]) {
            if random.chance(probability) { members.append((key, random.pick(values))) }
        }
        maybe("status", 0.95, random.chance(0.7) ? Array(statuses.prefix(8)) : statuses)
        maybe(
            "app_key", 0.8,
            random.chance(0.7)
                ? [.string("key-1")] : [.string("key-1"), .string(""), .null, .number("5"), .string("other")])
        for name in ["host", "service", "application", "device", "check", "sensor", "custom"] {
            maybe(name, name == "host" ? 0.6 : 0.3, texts)
        }
        maybe("primary_property", 0.15, fieldNames.map { .string($0) } + [.number("1"), .null])
        maybe("secondary_property", 0.15, fieldNames.map { .string($0) } + [.bool(true)])
        maybe("incident_identifier", 0.2, [.string("inc-9"), .string(""), .number("9"), .null])
        maybe("description", 0.2, [.string("text"), .string(""), .number("1"), .null])
        maybe("timestamp", 0.25, timestamps)
        var random2 = random
        members.shuffle(using: &random2)
        random = random2
        return JSONObject(members)
    }

    // MARK: The model

    enum Verdict: Equatable {
        case accepted(status: String, appKey: String, parts: [String])
        case refused(fields: Set<String>)
    }

    /// What SPEC.md says about a payload, written independently of the implementation.
    static func model(_ payload: JSONObject, defaultAppKey: String?) -> Verdict {
        var bad: Set<String> = []
        let asciiLower = { (text: String) in
            String(decoding: text.utf8.map { (65...90).contains($0) ? $0 + 32 : $0 }, as: UTF8.self)
        }
        var status = ""
        if case .string(let text)? = payload["status"],
            ["ok", "critical", "warning", "unknown", "acknowledged"].contains(asciiLower(text))
        {
            status = asciiLower(text)
        } else {
            bad.insert("status")
        }
        var appKey = ""
        switch payload["app_key"] {
        case .string(let key)? where !key.isEmpty: appKey = key
        case nil, .null?:
            if let defaultAppKey, !defaultAppKey.isEmpty { appKey = defaultAppKey } else { bad.insert("app_key") }
        default: bad.insert("app_key")
        }
        if let incident = payload["incident_identifier"], incident.stringValue.map({ $0.isEmpty }) ?? true {
            bad.insert("incident_identifier")
        }
        if let description = payload["description"], description.stringValue == nil { bad.insert("description") }
        if let stamp = payload["timestamp"] {
            guard case .number(let text) = stamp, text.count == 10, text.allSatisfy(\.isASCII),
                text.allSatisfy(\.isNumber)
            else {
                bad.insert("timestamp")
                return .refused(fields: bad)
            }
        }
        func named(_ key: String) -> String?? {
            guard let value = payload[key] else { return .some(nil) }
            guard case .string(let name) = value, !name.isEmpty, payload[name] != nil else {
                bad.insert(key)
                return nil
            }
            return .some(name)
        }
        let isIntegerText = { (text: String) in
            let digits = text.hasPrefix("-") ? String(text.dropFirst()) : text
            return !digits.isEmpty && digits.allSatisfy { $0.isASCII && $0.isNumber }
        }
        var parts: [String] = []
        var primaryName: String?
        switch named("primary_property") {
        case .some(.some(let name)): primaryName = name
        case .some(.none): primaryName = ["host", "service", "application", "device"].first { payload[$0] != nil }
        case .none: break
        }
        if !bad.contains("primary_property") {
            if let primaryName, let value = payload[primaryName] {
                switch value {
                case .string(let text) where !text.isEmpty: parts = [primaryName, text]
                case .number(let text) where isIntegerText(text): parts = [primaryName, text]
                default: bad.insert(primaryName)
                }
            } else {
                bad.insert("host")
            }
        }
        var secondaryName: String?
        switch named("secondary_property") {
        case .some(.some(let name)): secondaryName = name
        case .some(.none): secondaryName = ["check", "sensor"].first { payload[$0] != nil }
        case .none: break
        }
        guard bad.isEmpty else { return .refused(fields: bad) }
        if case .string(let incident)? = payload["incident_identifier"] {
            parts = ["incident_identifier", incident]
        } else if let secondaryName, let value = payload[secondaryName] {
            parts += [secondaryName, value.matchText]
        }
        return .accepted(status: status, appKey: appKey, parts: parts)
    }

    // MARK: Tests

    @Test func generatedPayloadsAreJudgedAsTheSpecSays() async throws {
        try await Fuzz.offPool {
            var random = FuzzRandom(seed: Fuzz.seed("alert validation"))
            let iterations = Fuzz.iterations(ci: 6_000)
            var acceptedCount = 0
            var failures: [String] = []
            for iteration in 0..<iterations where failures.count < 20 {
                let payload = Self.payload(using: &random)
                let defaultAppKey = random.chance(0.3) ? "env-key" : nil
                let expected = Self.model(payload, defaultAppKey: defaultAppKey)
                let alert: Alert
                do throws(AlertValidationError) {
                    alert = try Alert.validate(.object(payload), defaultAppKey: defaultAppKey)
                } catch {
                    switch expected {
                    case .refused(let fields) where !fields.contains(error.field):
                        failures.append(
                            "iteration \(iteration): refused for \(error.field), the model expected one of \(fields): \(payload.serialized())"
                        )
                    case .accepted:
                        failures.append(
                            "iteration \(iteration): refused (\(error)) but the spec accepts \(payload.serialized())")
                    default: break
                    }
                    continue
                }
                acceptedCount += 1
                let actual = Verdict.accepted(
                    status: alert.status.rawValue, appKey: alert.identity.appKey,
                    parts: alert.identity.parts.flatMap { [$0.name, $0.value] })
                if actual != expected {
                    failures.append(
                        "iteration \(iteration): got \(actual), the model expected \(expected): \(payload.serialized())"
                    )
                }
                // The stored payload is the input with status lowercased and app_key filled in; nothing else
                // changes, and validating it again gives the same alert, whatever the default app key.
                var input = payload
                input["status"] = .string(alert.status.rawValue)
                if payload["app_key"] == nil || payload["app_key"] == .null {
                    input["app_key"] = .string(alert.identity.appKey)
                }
                if alert.payload != input || (try? Alert.validate(.object(alert.payload), defaultAppKey: nil)) != alert
                    || (try? Alert.validate(.object(alert.payload), defaultAppKey: "x"))?.identity.key
                        != alert.identity.key
                {
                    failures.append(
                        "iteration \(iteration): the stored payload does not validate to the same alert: \(payload.serialized())"
                    )
                }
            }
            return (
                failures,
                "fuzz: Alert.validate: \(iterations) payloads, \(acceptedCount) accepted, \(failures.count) disagreements with the model"
            )
        }
    }

    @Test func mutatedAlertsNeverCrashValidation() async throws {
        let corpus = Fuzz.corpus("json")
        try #require(!corpus.isEmpty)
        try await Fuzz.offPool {
            var random = FuzzRandom(seed: Fuzz.seed("alert mutation"))
            var accepted = 0
            var failures: [String] = []
            let iterations = Fuzz.iterations(ci: 4_000)
            for iteration in 0..<iterations where failures.count < 10 {
                let input = Fuzz.mutate(random.pick(corpus), corpus: corpus, using: &random)
                guard let value = try? JSONParser.parse(input) else { continue }
                for appKey in [nil, "env-key"] {
                    guard let alert = try? Alert.validate(value, defaultAppKey: appKey) else { continue }
                    accepted += 1
                    let sound =
                        !alert.identity.appKey.isEmpty && alert.payload["status"] == .string(alert.status.rawValue)
                        && !(alert.identity.parts.first?.value.isEmpty ?? true)
                        && alert.timestamp.map { (1_000_000_000...9_999_999_999).contains($0) } ?? true
                    if !sound { failures.append("iteration \(iteration): an unsound alert: \(alert)") }
                }
            }
            return (
                failures,
                "fuzz: Alert.validate on mutated seeds: \(iterations) inputs, \(accepted) accepted, \(failures.count) unsound"
            )
        }
    }

    @Test
    func statusIsCaseInsensitiveOnlyForASCII() {
        #expect(throws: AlertValidationError.self) {
            try Alert.validate(
                .object(
                    JSONObject([("app_key", .string("k")), ("status", .string("O\u{212A}")), ("host", .string("h"))])),
                defaultAppKey: nil)
        }
    }

    @Test
    func errorMessagesAreOneLineWithoutControlCharacters() {
        let hostile = ["x\nlogzio-resolver: forged line", "crit\r\u{1B}[31mical", "a\u{0}b\u{7F}"]
        var descriptions: [String] = []
        for value in hostile {
            let payloads: [[(key: String, value: JSONValue)]] = [
                [("app_key", .string("k")), ("status", .string(value)), ("host", .string("h"))],
                [
                    ("app_key", .string("k")), ("status", .string("ok")), ("host", .string("h")),
                    ("primary_property", .string(value)),
                ],
                [
                    ("app_key", .string("k")), ("status", .string("ok")), ("host", .string("h")),
                    ("incident_identifier", .number("1")), ("x", .string(value)),
                ],
            ]
            for members in payloads {
                do {
                    _ = try Alert.validate(.object(JSONObject(members)), defaultAppKey: nil)
                } catch {
                    descriptions.append(error.description)
                }
            }
            var key: [UInt8] = []
            JSONValue.writeString(value, to: &key)
            do {
                _ = try JSONParser.parse(Array("{".utf8) + key + Array(":1,".utf8) + key + Array(":2}".utf8))
            } catch {
                descriptions.append(error.description)
            }
        }
        #expect(descriptions.count == 12)
        for description in descriptions {
            #expect(
                !description.unicodeScalars.contains { $0.value < 0x20 || $0.value == 0x7F },
                "\(description.debugDescription)")
        }
    }
}
