/// A glob pattern: `*` matches any run of characters, `?` any one character, anything else itself.
public struct GlobPattern: Sendable, Equatable, CustomStringConvertible {
    /// The pattern as written.
    public let text: String
    private let characters: [Character]

    /// Why a pattern was refused.
    public struct Invalid: Error, Sendable, Equatable {
        /// What is wrong.
        public var reason: String
    }

    /// Creates a pattern; an empty one is refused.
    public init(_ text: String) throws(Invalid) {
        guard !text.isEmpty else { throw Invalid(reason: "a pattern must be a non-empty string") }
        self.text = text
        self.characters = Array(text)
    }

    public var description: String { text }

    /// Whether the whole text matches, in linear time per text character and pattern character.
    public func matches(_ candidate: String) -> Bool {
        let subject = Array(candidate)
        var p = 0
        var s = 0
        var starP = -1
        var starS = 0
        while s < subject.count {
            if p < characters.count, characters[p] == "?" || (characters[p] != "*" && characters[p] == subject[s]) {
                p += 1
                s += 1
            } else if p < characters.count, characters[p] == "*" {
                starP = p
                starS = s
                p += 1
            } else if starP >= 0 {
                p = starP + 1
                starS += 1
                s = starS
            } else {
                return false
            }
        }
        while p < characters.count, characters[p] == "*" { p += 1 }
        return p == characters.count
    }
}
