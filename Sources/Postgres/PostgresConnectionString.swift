import CLibPQ

#if canImport(Glibc)
    import Glibc
#endif

/// A PostgreSQL ledger string: a `postgres://` or `postgresql://` URI, or a libpq key=value string
/// that starts with `host=`, `dbname=` or `service=`. Passwords are refused: they come only from
/// libpq's own sources (`PGPASSWORD`, `PGPASSFILE`, `~/.pgpass`).
public struct PostgresConnectionString: Sendable, Equatable, CustomStringConvertible {
    /// The string as given, for libpq.
    public let value: String

    /// Why a ledger string was refused.
    public struct Refused: Error, Sendable, CustomStringConvertible {
        /// What is wrong, never repeating the password.
        public var description: String
    }

    /// Whether `text` names a PostgreSQL ledger rather than an SQLite file.
    public static func isPostgres(_ text: String) -> Bool {
        let lower = text.lowercased()
        return lower.hasPrefix("postgres://") || lower.hasPrefix("postgresql://") || lower.hasPrefix("host=")
            || lower.hasPrefix("dbname=") || lower.hasPrefix("service=")
    }

    /// Checks a PostgreSQL ledger string; a password anywhere in it is refused.
    public init(_ text: String) throws(Refused) {
        if Self.hasPassword(text) {
            throw Refused(
                description:
                    "the ledger's connection string holds a password; remove it and give it through PGPASSWORD, PGPASSFILE or ~/.pgpass"
            )
        }
        value = text
    }

    /// The host, port and database it names, for messages ("default" for what libpq would pick).
    public var target: String {
        var options: [String: String] = [:]
        if let parsed = PQconninfoParse(value, nil) {
            var option = parsed
            while let keyword = option.pointee.keyword {
                if let text = option.pointee.val { options[String(cString: keyword)] = String(cString: text) }
                option += 1
            }
            PQconninfoFree(parsed)
        }
        func pick(_ key: String, _ variable: String, _ fallback: String) -> String {
            if let given = options[key], !given.isEmpty { return given }
            if let fromEnvironment = getenv(variable) { return String(cString: fromEnvironment) }
            return fallback
        }
        let user = pick("user", "PGUSER", "default")
        return "host \(pick("host", "PGHOST", "default")), port \(pick("port", "PGPORT", "5432")), "
            + "database \(pick("dbname", "PGDATABASE", user))"
    }

    /// The string as it may be printed: it never holds a password, since one is refused.
    public var description: String { value }

    static func hasPassword(_ text: String) -> Bool {
        let lower = text.lowercased()
        if lower.hasPrefix("postgres://") || lower.hasPrefix("postgresql://") {
            let afterScheme = text[text.index(text.startIndex, offsetBy: lower.hasPrefix("postgres://") ? 11 : 13)...]
            // user:password@host: a colon in the part before the last @ of the authority.
            let authority = afterScheme.prefix { $0 != "/" && $0 != "?" }
            if let at = authority.lastIndex(of: "@"), authority[..<at].contains(":") { return true }
            if let query = text.firstIndex(of: "?") {
                for pair in text[text.index(after: query)...].split(separator: "&") {
                    if pair.lowercased().hasPrefix("password=") { return true }
                }
            }
            return false
        }
        // key=value pairs separated by spaces; a quoted value may hold spaces.
        var index = lower.startIndex
        var atKeyStart = true
        while index < lower.endIndex {
            if atKeyStart, lower[index...].hasPrefix("password") {
                var rest = lower[lower.index(index, offsetBy: 8)...].drop { $0 == " " }
                if rest.first == "=" {
                    rest = rest.dropFirst()
                    return true
                }
            }
            atKeyStart = lower[index] == " "
            index = lower.index(after: index)
        }
        return false
    }
}
