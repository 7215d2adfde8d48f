public import Alerts

extension AlertDefinition {
    /// The definition id in a payload value, or nil when it is not usable.
    ///
    /// Usable: a JSON integer ≥ 0, or a string of ASCII digits (`"123"`, as the README's Custom body
    /// sends it), that fits in 64 bits. Not usable: `12.5`, `1e3`, `" 12"`, `"-5"`, `""`, null,
    /// booleans, arrays and objects.
    public static func usableID(_ value: JSONValue?) -> Int64? {
        switch value {
        case .number(let text)?:
            guard let id = value?.integerValue, id >= 0, !text.hasPrefix("-") else { return nil }
            return id
        case .string(let text)?:
            return digits(text)
        default:
            return nil
        }
    }

    /// Decodes one element of `GET /v2/alerts`, tolerating what a newer or older API may send.
    ///
    /// Returns nil (the element is skipped) when the element is not an object or its `id` is not
    /// usable by `usableID(_:)`. Unknown fields are ignored, and so is each of `output`, `schedule`
    /// and `recipients` when missing or not an object. A count in minutes that is not a whole number
    /// ≥ 0 (as a JSON integer or a string of digits) counts as missing. `enabled` is false only when
    /// it is `false` or `"false"`. A blank cron expression means no schedule; a blank time zone means UTC.
    public init?(json: JSONValue) {
        guard let object = json.objectValue, let id = Self.usableID(object["id"]) else { return nil }
        let output = object["output"]?.objectValue
        let schedule = object["schedule"]?.objectValue
        self.init(
            id: id,
            title: object["title"]?.stringValue,
            isEnabled: !Self.isFalse(object["enabled"]),
            searchTimeFrameMinutes: Self.usableID(object["searchTimeFrameMinutes"]),
            suppressNotificationsMinutes: Self.usableID(output?["suppressNotificationsMinutes"]),
            cronExpression: Self.nonBlank(schedule?["cronExpression"]),
            timeZone: Self.nonBlank(schedule?["timezone"])
        )
    }

    private static func digits(_ text: String) -> Int64? {
        guard !text.isEmpty, text.utf8.allSatisfy({ $0 >= 0x30 && $0 <= 0x39 }) else { return nil }
        return Int64(text)
    }

    private static func isFalse(_ value: JSONValue?) -> Bool {
        switch value {
        case .bool(false)?: true
        case .string(let text)?: text.lowercased() == "false"
        default: false
        }
    }

    private static func nonBlank(_ value: JSONValue?) -> String? {
        guard let text = value?.stringValue else { return nil }
        let trimmed = String(text.drop(while: \.isWhitespace).reversed().drop(while: \.isWhitespace).reversed())
        return trimmed.isEmpty ? nil : trimmed
    }
}
