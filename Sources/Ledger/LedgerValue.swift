/// One stored value of a ledger row as both backends hold it: NULL, an integer, a number or text.
public enum LedgerValue: Sendable, Equatable {
    /// NULL.
    case null
    /// An integer.
    case integer(Int64)
    /// A floating-point number.
    case real(Double)
    /// Text.
    case text(String)

    /// What a column holds, so a backend that reads everything as text knows how to read it.
    public enum Kind: Sendable, Equatable {
        /// Integers (ids, epoch seconds, counts, flags).
        case integer
        /// Floating-point numbers (counter values).
        case real
        /// Text (identities, payloads, names).
        case text
    }
}
