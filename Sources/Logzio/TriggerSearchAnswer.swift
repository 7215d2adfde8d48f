import Alerts

/// What a trigger log search answered: each definition's latest logged trigger, from Elasticsearch's
/// `aggregations.definitions.buckets[]`.
struct TriggerSearchAnswer: Sendable, Equatable {
    /// The latest epoch millisecond accepted: the end of year 9999, Elasticsearch's largest `date`.
    static let maxMilliseconds: Int64 = 253_402_300_799_999

    /// Each definition's latest logged trigger, in epoch seconds (milliseconds floored).
    var latest: [Int64: Int64]
    /// Buckets left out because they could not be read: not an object, a key that is not a usable id
    /// or not one asked for, no `last` object, or a `last.value` that is not a number of milliseconds from
    /// 0 to `maxMilliseconds`. A `last.value` of null is no trigger, not an unreadable bucket.
    var unreadableBuckets: Int

    /// Reads a 2xx answer's body; only the ids in `asked` are kept.
    ///
    /// A key is a JSON integer, a string of digits, or a whole number in any JSON form (`123.0` from a
    /// numeric field). `last.value` may be written in exponent form (`1.7335296E12`) and is read exactly.
    ///
    /// - Throws: `TriggerSearchAnswerError` when the body is not JSON or has no
    ///   `aggregations.definitions.buckets` array.
    init(decoding body: [UInt8], asked: Set<Int64>) throws(TriggerSearchAnswerError) {
        let value: JSONValue
        do {
            value = try JSONParser.parse(body)
        } catch {
            throw TriggerSearchAnswerError(reason: "it is not JSON (\(error.description))")
        }
        guard let object = value.objectValue else {
            throw TriggerSearchAnswerError(reason: "it is \(value.typeName), not an object")
        }
        guard case .array(let buckets)? = object["aggregations"]?.objectValue?["definitions"]?.objectValue?["buckets"]
        else {
            throw TriggerSearchAnswerError(reason: "it has no aggregations.definitions.buckets array")
        }
        var latest: [Int64: Int64] = [:]
        var unreadable = 0
        for bucket in buckets {
            switch Self.read(bucket, asked: asked) {
            case .trigger(let id, let seconds): latest[id] = max(latest[id] ?? seconds, seconds)
            case .noTrigger: break
            case .unreadable: unreadable += 1
            }
        }
        self.latest = latest
        unreadableBuckets = unreadable
    }

    private enum Bucket {
        case trigger(id: Int64, seconds: Int64)
        case noTrigger
        case unreadable
    }

    private static func read(_ bucket: JSONValue, asked: Set<Int64>) -> Bucket {
        guard let bucket = bucket.objectValue, let id = key(bucket["key"]), asked.contains(id),
            let last = bucket["last"]?.objectValue
        else { return .unreadable }
        switch last["value"] {
        case .null?:
            return .noTrigger
        case .number(let text)?:
            guard let number = DecimalNumber(json: text), let milliseconds = number.floor(scaledBy: 0),
                milliseconds <= maxMilliseconds, let seconds = number.floor(scaledBy: -3)
            else { return .unreadable }
            return .trigger(id: id, seconds: seconds)
        default:
            return .unreadable
        }
    }

    private static func key(_ value: JSONValue?) -> Int64? {
        if let id = AlertDefinition.usableID(value) { return id }
        guard case .number(let text)? = value else { return nil }
        return DecimalNumber(json: text)?.integerValue
    }
}
