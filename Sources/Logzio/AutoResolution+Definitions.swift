public import Staleness

extension AutoResolution {
    /// What `stale_after: auto` gives an alert whose payload names the definition `definitionID`, given
    /// the account's alert definitions.
    ///
    /// - Parameters:
    ///   - definitionID: the usable id from the payload (`AlertDefinition.usableID(_:)`), or nil.
    ///   - idField: the payload field the id was read from (`logzio.definition_field`), for the reason.
    ///   - definitions: the definitions of the latest fetch that may be used, by id.
    ///   - everListed: every id any fetch has listed; one listed before but not now was deleted.
    ///   - parameters: `auto_factor` and `auto_min` of the alert's rule.
    ///   - triggersVerified: whether Logz.io's trigger log showed this definition's triggers this run, so
    ///     that its trigger period applies instead of its re-notify period.
    ///   - now: the evaluation time in epoch seconds (`--now` when given), for schedules.
    public static func decide(
        definitionID: Int64?,
        idField: String,
        definitions: [Int64: AlertDefinition],
        everListed: Set<Int64>,
        parameters: AutoParameters,
        triggersVerified: Bool = false,
        now: Int64
    ) -> AutoResolution {
        guard let id = definitionID else {
            return .undecided(reason: "no usable Logz.io alert id in \(idField)")
        }
        guard let definition = definitions[id] else {
            if everListed.contains(id) {
                return .staleNow(reason: "Logz.io alert \(id) no longer exists")
            }
            return .undecided(
                reason: "Logz.io alert \(id) is not among the account's alert definitions (unknown id)")
        }
        guard definition.isEnabled else {
            return .staleNow(reason: "Logz.io alert \(id) is disabled")
        }
        do throws(RenotifyPeriodError) {
            return try RenotifyPeriod(definition: definition, now: now).staleAfter(
                parameters, triggersVerified: triggersVerified)
        } catch {
            return .undecided(reason: error.description)
        }
    }
}
