/// The read-only check of a ledger's schema, the same on every backend: a command that only reads
/// needs every migration this version knows applied, and none it does not know.
public enum SchemaCheck {
    /// Throws, saying what to do, when the migrations `applied` to the ledger at `location` are not
    /// exactly at this version's `known` ones.
    public static func requireCurrent(applied: Set<String>, known: Set<String>, location: String) throws(LedgerError) {
        if applied.isEmpty || !known.isSubset(of: applied) {
            throw LedgerError(
                location: location,
                message:
                    "the ledger's schema is not up to date; run a command that writes (record, sweep) to migrate it"
            )
        }
        if !applied.isSubset(of: known) {
            throw LedgerError(
                location: location, message: "the ledger was written by a newer logzio-resolver; upgrade this one")
        }
    }
}
