import Alerts
import ArgumentParser
import Ledger
import Logzio
import ResolverConfiguration
import Staleness
import Sweep

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
        let config = try ledgerOptions.load()
        let logger = logging.makeLogger()
        var problems: [String] = []
        do {
            let token = try TokenSource.bigPandaToken(config: config, environment: Environment.values) {
                Output.stderr("logzio-resolver: \($0)")
            }
            if token == nil {
                problems.append(
                    "no BigPanda token source: set BIGPANDA_TOKEN, BIGPANDA_TOKEN_FILE or bigpanda.token_file")
            }
        } catch {
            problems.append(error.description)
        }

        let policy = config.policy
        Output.line("config: ok; ledger: \(config.ledger); BigPanda: \(config.alertsURL)")
        Output.line("rules (first match wins):")
        var rows: [[String]] = policy.rules.map { rule in
            [
                rule.name, rule.match.map { "\($0.field)=\($0.pattern)" }.joined(separator: " "),
                "stale after \(rule.staleAfter)",
            ]
        }
        rows.append([StalenessPolicy.defaultRuleName, "(anything else)", "stale after \(policy.defaultStaleAfter)"])
        Output.stdout(
            Table.render(header: ["RULE", "MATCH", "STALE_AFTER"], rows: rows).split(separator: "\n").map { "  " + $0 }
                .joined(separator: "\n") + "\n")

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
            let ledger = try openLedger(config.ledger, mode: .readOnly)
            let feed = try FeedReader.liveness(ledger)
            let now = wallClock()
            var auto: AutoResolver?
            if policy.usesAuto {
                // check reads Logz.io whenever a rule is auto, to catch a bad token early, and stores nothing.
                let definitions = await AutoDefinitions.load(
                    config: config, needed: true, cache: ledger, store: nil, logger: logger)
                if let failure = definitions.failure, definitions.unauthorized || !definitions.fetched {
                    problems.append(failure)
                } else if let failure = definitions.failure {
                    Output.line("warning: \(failure)")
                } else {
                    Output.line(
                        "Logz.io: \(definitions.definitions.count) alert definitions read from \(config.logzioAPIURL)")
                }
                auto = definitions.resolver(definitionField: policy.definitionField, now: now)
            }
            let evaluator = AlertEvaluator(policy: policy, feed: feed, auto: auto)
            var lines: [[String]] = []
            var derivations: [String] = []
            var warnings: [String] = []
            try ledger.forEachAlert(AlertFilter(states: [.open])) { alert in
                let payload = (try? alert.payload()) ?? JSONObject()
                let evaluation = evaluator.evaluate(alert, now: now)
                if evaluation.staleAfter == .auto {
                    let shown = evaluation.effectiveStaleAfter.map { DurationText.format($0) } ?? "none"
                    derivations.append("  \(alert.display): stale_after \(shown), \(evaluation.source)")
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
                lines.append([alert.appKey, alert.display, Output.rule(evaluation.rule), when])
            }
            Output.line(
                "open alerts: \(lines.count)\(feed == nil ? "" : " (observed silence: the relay has written heartbeats)")"
            )
            if !lines.isEmpty {
                Output.stdout(
                    Table.render(header: ["APP KEY", "IDENTITY", "RULE", "GOES STALE"], rows: lines).split(
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
            throw CLIError.config(problems.joined(separator: "\n"))
        }
    }
}
