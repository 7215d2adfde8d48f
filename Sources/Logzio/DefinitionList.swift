import Alerts

/// The alert definitions of one Logz.io account, as `GET /v2/alerts` lists them.
public struct DefinitionList: Sendable, Equatable {
    /// The usable definitions, in the order listed; when an id is listed twice, the first is kept.
    public var definitions: [AlertDefinition]
    /// How many elements were skipped: not objects, without a usable id, or a repeated id.
    public var skippedCount: Int

    /// Creates a list.
    public init(definitions: [AlertDefinition], skippedCount: Int = 0) {
        self.definitions = definitions
        self.skippedCount = skippedCount
    }

    /// Decodes a response body, which must be a JSON array; its elements are decoded tolerantly
    /// (see `AlertDefinition.init?(json:)`).
    ///
    /// - Throws: `DefinitionListError` when the body is not JSON or not an array.
    public init(decoding body: [UInt8]) throws(DefinitionListError) {
        let value: JSONValue
        do {
            value = try JSONParser.parse(body)
        } catch {
            throw DefinitionListError(reason: "it is not JSON (\(error.description))")
        }
        guard case .array(let elements) = value else {
            throw DefinitionListError(reason: "it is \(value.typeName), not an array of alert definitions")
        }
        var seen = Set<Int64>()
        var definitions: [AlertDefinition] = []
        definitions.reserveCapacity(elements.count)
        for element in elements {
            guard let definition = AlertDefinition(json: element), seen.insert(definition.id).inserted else { continue }
            definitions.append(definition)
        }
        self.init(definitions: definitions, skippedCount: elements.count - definitions.count)
    }

    /// The definitions by id, for looking up many alerts.
    public var byID: [Int64: AlertDefinition] {
        Dictionary(definitions.map { ($0.id, $0) }, uniquingKeysWith: { first, _ in first })
    }

    /// Every id listed.
    public var ids: Set<Int64> {
        Set(definitions.map(\.id))
    }
}
