/// Which BigPanda alert an event belongs to: its app key plus its incident identifier,
/// or else its primary and secondary property names and values.
public struct AlertIdentity: Sendable, Hashable {
    /// The integration's app key.
    public var appKey: String
    /// The rest of the identity: `incident_identifier`, or property name and value pairs.
    public var parts: [IdentityPart]

    /// One name and value in an identity.
    public struct IdentityPart: Sendable, Hashable {
        /// The field name, e.g. `host` or `incident_identifier`.
        public var name: String
        /// The value's text, e.g. `web-1`.
        public var value: String

        /// Creates a part.
        public init(name: String, value: String) {
            self.name = name
            self.value = value
        }
    }

    /// Creates an identity.
    public init(appKey: String, parts: [IdentityPart]) {
        self.appKey = appKey
        self.parts = parts
    }

    /// A stable, unambiguous key for storage: a JSON array of the app key and the parts.
    public var key: String {
        var values: [JSONValue] = [.string(appKey)]
        for part in parts {
            values.append(.string(part.name))
            values.append(.string(part.value))
        }
        return JSONValue.array(values).serialized()
    }

    /// A readable form without the app key, e.g. `host=web-1 check=CPU high`.
    public var display: String {
        parts.map { "\($0.name)=\($0.value)" }.joined(separator: " ")
    }
}
