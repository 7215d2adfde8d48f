/// What `stale_after: auto` gives one open alert, given the account's alert definitions.
public enum AutoOutcome: Sendable, Equatable {
    /// The definition is usable: this `stale_after` applies.
    case staleAfter(AutoStaleAfter)
    /// The definition can never notify again (disabled, or deleted): stale at once, `stale_after` 0.
    case staleNow(reason: String)
    /// No usable definition: the rule's `fallback` applies, or the alert is kept.
    case needsFallback(reason: String)

    /// Decides the outcome for an alert whose payload names the definition `definitionID`.
    ///
    /// - Parameters:
    ///   - definitionID: the usable id from the payload (`AlertDefinition.usableID(_:)`), or nil.
    ///   - idField: the payload field the id was read from (`logzio.definition_field`), for the reason.
    ///   - definitions: the definitions of the latest fetch that may be used, by id.
    ///   - everListed: every id any fetch has listed; one listed before but not now was deleted.
    ///   - settings: `auto_factor` and `auto_min` of the alert's rule.
    ///   - now: the evaluation time in epoch seconds (`--now` when given), for schedules.
    public static func decide(
        definitionID: Int64?,
        idField: String,
        definitions: [Int64: AlertDefinition],
        everListed: Set<Int64>,
        settings: AutoSettings,
        now: Int64
    ) -> AutoOutcome {
        guard let id = definitionID else {
            return .needsFallback(reason: "no usable Logz.io alert id in \(idField)")
        }
        guard let definition = definitions[id] else {
            if everListed.contains(id) {
                return .staleNow(reason: "Logz.io alert \(id) no longer exists")
            }
            return .needsFallback(
                reason: "Logz.io alert \(id) is not among the account's alert definitions (unknown id)")
        }
        guard definition.isEnabled else {
            return .staleNow(reason: "Logz.io alert \(id) is disabled")
        }
        do {
            return .staleAfter(try RenotifyPeriod(definition: definition, now: now).staleAfter(settings))
        } catch {
            return .needsFallback(reason: error.description)
        }
    }
}
