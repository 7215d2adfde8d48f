import Alerts
import ArgumentParser
import BigPanda
import Ledger
import Logging
import Logzio
import Operations
import Redaction
import ResolverConfiguration
import Staleness
import Sweep
import Synchronization

/// `check`: validates the setup and explains the rules, sending nothing.
struct CheckCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "check",
        abstract: "Check the config, the token source and the ledger, and show which rule each open alert gets.",
        discussion: "Sends nothing. Exits 0 when all is well, 78 on any problem (including no token source)."
    )

    @OptionGroup var ledgerOptions: LedgerOptions

    @Option(name: .long, help: "A JSON alert payload: say which rule it would get.")
    var alert: String?

    @OptionGroup var logging: LoggingOptions

    func run() async throws {
        let (config, ledger) = try ledgerOptions.load()
        var context = logging.makeContext()
        // A token file is read more than once here (now, then for definitions or evidence): one warning each.
        let warned = Mutex<Set<String>>([])
        let warn = context.warn
        context.warn = { line in if warned.withLock({ $0.insert(line).inserted }) { warn(line) } }
        var problems: [String] = []
        do {
            let token = try TokenSource.bigPandaToken(
                config: config, environment: context.environment, warn: context.warn)
            if token == nil {
                problems.append(
                    "no BigPanda token source: set BIGPANDA_TOKEN, BIGPANDA_TOKEN_FILE or bigpanda.token_file")
            }
        } catch {
            problems.append(error.description)
        }
        // Every Logz.io token source the config names is read too, so a missing or loose file shows now,
        // not on the first run that has an alert needing it.
        do {
            if let token = try TokenSource.logzioToken(
                config: config, environment: context.environment, warn: context.warn)
            {
                Redactor.shared.add(token.value)
            }
        } catch {
            problems.append(error.description)
        }
        for account in config.logzioAccounts {
            do {
                Redactor.shared.add(try TokenSource.logzioToken(account: account, warn: context.warn).value)
            } catch {
                problems.append(error.description)
            }
        }

        let policy = config.policy
        Output.line("config: ok; ledger: \(ledger); BigPanda: \(config.alertsURL)")
        Output.line("rules (first match wins):")
        // keep_when shows only when some rule uses it, so a config without it prints as it always did.
        func keepWhen(_ rule: String) -> [String] {
            guard config.usesKeepWhen else { return [] }
            let holds = config.keepWhen(rule: rule).map(\.rawValue).sorted()
            return [holds.isEmpty ? "-" : holds.joined(separator: ", ")]
        }
        var rows: [[String]] = policy.rules.map { rule in
            [
                rule.name, rule.match.map { "\($0.field)=\($0.pattern)" }.joined(separator: " "),
                "stale after \(rule.staleAfter)",
            ] + keepWhen(rule.name)
        }
        rows.append(
            [StalenessPolicy.defaultRuleName, "(anything else)", "stale after \(policy.defaultStaleAfter)"]
                + keepWhen(StalenessPolicy.defaultRuleName))
        let header = ["RULE", "MATCH", "STALE_AFTER"] + (config.usesKeepWhen ? ["KEEP_WHEN"] : [])
        Output.stdout(
            TextTable.render(header: header, rows: rows).split(separator: "\n").map { "  " + $0 }
                .joined(separator: "\n") + "\n")
        if config.usesKeepWhen {
            do {
                let incidents = try IncidentsConnection(
                    config: config, context: context, command: SweepRun.keepWhenCommand, needsScope: false)
                incidents.shutdown()
            } catch {
                problems.append("\(error)")
            }
        }

        if let alert {
            do {
                let value = try JSONParser.parse(alert)
                let validated = try Alert.validate(value, defaultAppKey: config.appKey)
                let rule = policy.rule(for: validated.payload)
                Output.line(
                    "--alert \(validated.identity.display): rule \"\(rule.name)\", stale after \(rule.staleAfter)")
            } catch {
                problems.append("--alert: \(error)")
            }
        }

        do {
            let now = wallClock()
            // check says itself what Logz.io gave (a problem, or a warning line), so at the default level the
            // listing's own warnings about it would say the same thing twice.
            var listingContext = context
            if listingContext.logger.logLevel == .warning { listingContext.logger.logLevel = .error }
            let listing = try await AlertListing(
                config: config, ledger: ledger, now: now, context: listingContext, storesDefinitions: false)
            problems += Self.showLogzio(listing.logzio)
            var lines: [[String]] = []
            var derivations: [String] = []
            var warnings: [String] = []
            try listing.forEach(AlertFilter(states: [.open]), now: now) { alert, evaluation in
                if evaluation.staleAfter == .auto {
                    let shown = evaluation.effectiveStaleAfter.map { DurationText.format($0) } ?? "none"
                    derivations.append("  \(alert.display): stale_after \(shown), \(evaluation.source)")
                    let payload = (try? alert.payload()) ?? JSONObject()
                    if AlertDefinition.usableID(payload[policy.definitionField]) == nil {
                        warnings.append(
                            "warning: \(alert.display) has no usable Logz.io alert id in \(policy.definitionField); it takes the fallback or is kept"
                        )
                    } else if evaluation.source.contains("unknown id") {
                        warnings.append("warning: \(alert.display): \(evaluation.source)")
                    }
                }
                let when: String =
                    if evaluation.isStale { "stale now" } else if let at = evaluation.staleAt {
                        "stale at \(EpochTime.iso8601(at)) (in \(DurationText.format(at - now)))"
                    } else { "never" }
                lines.append([alert.appKey, alert.display, RuleText.name(evaluation.rule), when])
            }
            Output.line(
                "open alerts: \(lines.count)\(listing.observesFeed ? " (observed silence: the relay has written heartbeats)" : "")"
            )
            if !lines.isEmpty {
                Output.stdout(
                    TextTable.render(header: ["APP KEY", "IDENTITY", "RULE", "GOES STALE"], rows: lines).split(
                        separator: "\n"
                    ).map { "  " + $0 }.joined(separator: "\n") + "\n")
            }
            if !derivations.isEmpty {
                Output.line("stale_after: auto, per alert:")
                for line in derivations { Output.line(line) }
            }
            for warning in warnings { Output.line(warning) }
        } catch {
            problems.append("\(error)")
        }
        if !problems.isEmpty {
            var seen: Set<String> = []
            throw OperationError.config(problems.filter { seen.insert($0).inserted }.joined(separator: "\n"))
        }
    }

    /// Prints what each Logz.io account gave: its definitions, and how many of its definitions the trigger
    /// log verified (then the unverified ids). Returns the problems that make `check` exit 78: a refused
    /// token, or no token for `stale_after: auto`.
    private static func showLogzio(_ view: LogzioView) -> [String] {
        var problems: [String] = []
        for entry in view.accounts.values.sorted(by: { $0.account.key < $1.account.key }) {
            let label = entry.account.label
            if let definitions = entry.definitions {
                if let failure = definitions.failure, definitions.unauthorized || !definitions.fetched {
                    problems.append(failure)
                } else if let failure = definitions.failure {
                    Output.line("warning: \(failure)")
                } else {
                    Output.line(
                        "\(label): \(definitions.definitions.count) alert definitions read from \(entry.account.apiURL)"
                    )
                }
            }
            guard view.evidenceEnabled, entry.hasToken else { continue }
            let evidence = entry.evidence ?? TriggerEvidence()
            if let failure = evidence.failure {
                if evidence.unauthorized { problems.append(failure) } else { Output.line("warning: \(failure)") }
                continue
            }
            let prefix = entry.account.listed == nil ? "" : "\(label) "
            Output.line(
                "\(prefix)evidence: \(evidence.verified.count) of \(evidence.searched.count) definitions verified")
            let unverified = evidence.unverified
            if !unverified.isEmpty {
                Output.line("  unverified: " + unverified.map(String.init).joined(separator: ", "))
            }
        }
        return problems
    }
}
