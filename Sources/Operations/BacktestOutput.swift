import Alerts
public import Backtest
public import Staleness

/// What `backtest` prints: tables and a YAML snippet for people, or one JSON object.
public struct BacktestOutput {
    /// One replayed config and what it did.
    public struct Side {
        /// The config file, nil for the built-in defaults.
        public var config: String?
        /// Its rules.
        public var policy: StalenessPolicy
        /// The replay's figures and suggestions.
        public var report: ReplayReport

        /// Creates a side.
        public init(config: String?, policy: StalenessPolicy, report: ReplayReport) {
            self.config = config
            self.policy = policy
            self.report = report
        }
    }

    /// When and how often the replay swept.
    public var window: ReplayWindow
    /// The ledger, as messages name it.
    public var ledger: String
    /// The config the command was given.
    public var current: Side
    /// The `--compare` config, when given.
    public var compared: Side?

    /// Creates the output.
    public init(window: ReplayWindow, ledger: String, current: Side, compared: Side?) {
        self.window = window
        self.ledger = ledger
        self.current = current
        self.compared = compared
    }

    // MARK: JSON

    /// One JSON object: `since`, `interval`, `rules`, `total`, `suggestions`; with a comparison, `current`
    /// and `compared`, each of that shape.
    public func json() -> String {
        guard let compared else { return JSONValue.object(object(current)).serialized() + "\n" }
        let top = JSONObject([
            ("since", .integer(window.since.wholeSeconds)), ("interval", .integer(window.interval.wholeSeconds)),
            ("current", .object(object(current))), ("compared", .object(object(compared))),
        ])
        return JSONValue.object(top).serialized() + "\n"
    }

    private func object(_ side: Side) -> JSONObject {
        JSONObject([
            ("since", .integer(window.since.wholeSeconds)), ("interval", .integer(window.interval.wholeSeconds)),
            ("refire_window", .integer(window.refireWindow.wholeSeconds)),
            ("config", side.config.map { .string($0) } ?? .null),
            ("events", .integer(Int64(side.report.events))),
            ("rules", .array(side.report.rules.map { .object(figures($0.figures, staleAfter: $0.staleAfter)) })),
            ("total", .object(figures(side.report.total, staleAfter: nil))),
            (
                "suggestions",
                .array(
                    side.report.suggestions.map {
                        .object(
                            JSONObject([
                                ("rule", .string($0.rule)), ("stale_after", .string($0.staleAfter.description)),
                                ("current", .string($0.current.description)),
                            ]))
                    })
            ),
        ])
    }

    private func figures(_ figures: RuleFigures, staleAfter: StaleAfter?) -> JSONObject {
        var members: [(key: String, value: JSONValue)] = [("rule", .string(figures.rule))]
        if let staleAfter { members.append(("stale_after", .string(staleAfter.description))) }
        members += [
            ("alerts", .integer(Int64(figures.alerts))),
            ("resolves", .integer(Int64(figures.resolves))),
            ("premature", .integer(Int64(figures.premature))),
            ("premature_percent", .number(String(figures.prematurePercent))),
            ("silence_median_seconds", figures.silenceMedian.map { .integer($0) } ?? .null),
            ("silence_p90_seconds", figures.silenceP90.map { .integer($0) } ?? .null),
            ("open_at_end", .integer(Int64(figures.openAtEnd))),
        ]
        return JSONObject(members)
    }

    // MARK: Text

    /// Tables of figures per rule with the suggestions under them, then a YAML snippet to paste.
    public func text() -> String {
        let since = DurationText.format(window.since)
        let events = max(current.report.events, compared?.report.events ?? 0)
        guard events > 0 else {
            return "no events in the last \(since) in \(ledger): nothing to replay\n"
        }
        var out = """
            Replayed \(events) events received in the last \(since), with a sweep every \
            \(DurationText.format(window.interval)); a resolve is premature when the alert was re-notified \
            within \(DurationText.format(window.refireWindow)).\n\n
            """
        let header = [
            "RULE", "STALE AFTER", "ALERTS", "RESOLVES", "PREMATURE", "SILENCE MEDIAN", "SILENCE P90", "OPEN AT END",
        ]
        if let compared {
            out += TextTable.render(header: [header[0], "CONFIG"] + header.dropFirst(), rows: comparedRows(compared))
            out += "\ncurrent:  \(current.config ?? "built-in defaults")\ncompared: \(compared.config ?? "-")\n"
        } else {
            var rows = current.report.rules.map { row($0.figures, staleAfter: $0.staleAfter) }
            rows.append(row(current.report.total, staleAfter: nil))
            out += TextTable.render(header: header, rows: rows)
        }
        out += "\n" + suggestionLines(current)
        out += "\n" + yaml(current)
        return out
    }

    private func row(_ figures: RuleFigures, staleAfter: StaleAfter?) -> [String] {
        [
            figures.rule, staleAfter?.description ?? "", String(figures.alerts), String(figures.resolves),
            "\(figures.premature) (\(figures.prematurePercent)%)",
            figures.silenceMedian.map(DurationText.format) ?? "-", figures.silenceP90.map(DurationText.format) ?? "-",
            String(figures.openAtEnd),
        ]
    }

    /// Two rows per rule, current then compared, in the current config's order then the compared one's.
    private func comparedRows(_ compared: Side) -> [[String]] {
        var names: [String] = []
        for name in current.report.rules.map(\.figures.rule) + compared.report.rules.map(\.figures.rule)
        where !names.contains(name) {
            names.append(name)
        }
        var rows: [[String]] = []
        for name in names + ["total"] {
            for (label, side) in [("current", current), ("compared", compared)] {
                let entry: (figures: RuleFigures, staleAfter: StaleAfter?)? =
                    name == "total"
                    ? (side.report.total, nil)
                    : side.report.rules.first { $0.figures.rule == name }.map { ($0.figures, $0.staleAfter) }
                guard let entry else {
                    rows.append([label == "current" ? name : "", label, "(no such rule)", "", "", "", "", "", ""])
                    continue
                }
                var cells = row(entry.figures, staleAfter: entry.staleAfter)
                cells.insert(label, at: 1)
                if label == "compared" { cells[0] = "" }
                rows.append(cells)
            }
        }
        return rows
    }

    private func suggestionLines(_ side: Side) -> String {
        var out = "Suggested stale_after (the shortest of 15m 30m 1h 2h 3h 6h 12h 1d 3d with under 1% premature):\n"
        for rule in side.report.rules.map(\.figures) {
            guard let suggestion = side.report.suggestions.first(where: { $0.rule == rule.rule }) else {
                out += "  \(rule.rule): no suggestion (no alerts in the last \(DurationText.format(window.since)))\n"
                continue
            }
            let change = suggestion.staleAfter == suggestion.current ? "unchanged" : "now \(suggestion.current)"
            out += "  \(rule.rule): \(suggestion.staleAfter) (\(change))\n"
        }
        return out
    }

    /// The config's `stale_after` and `rules` with the suggestions applied, ready to paste.
    private func yaml(_ side: Side) -> String {
        func value(_ rule: String, current: StaleAfter) -> String {
            guard let suggestion = side.report.suggestions.first(where: { $0.rule == rule }) else {
                return "\(current)  # no alerts in the last \(DurationText.format(window.since)): unchanged"
            }
            if suggestion.staleAfter == current { return "\(current)" }
            // `never` is a deliberate choice (alerts closed by hand); a paste must not undo it.
            if current == .never { return "never  # kept; the replay suggests \(suggestion.staleAfter)" }
            // auto follows each definition; a fixed value is only a comparison point.
            if current == .auto { return "auto  # kept; a fixed value would be \(suggestion.staleAfter)" }
            return "\(suggestion.staleAfter)  # was \(current)"
        }
        var out = "# Paste into \(side.config ?? "the config file"); rules keep their order (the first match wins).\n"
        out += "stale_after: \(value(StalenessPolicy.defaultRuleName, current: side.policy.defaultStaleAfter))\n"
        guard !side.policy.rules.isEmpty else { return out }
        out += "rules:\n"
        for rule in side.policy.rules {
            let match = rule.match.map { "\(quoted($0.field)): \(quoted($0.pattern.text))" }.joined(separator: ", ")
            out += "  - name: \(quoted(rule.name))\n"
            out += "    match: {\(match)}\n"
            out += "    stale_after: \(value(rule.name, current: rule.staleAfter))\n"
        }
        return out
    }

    /// A double-quoted scalar: JSON's string syntax is valid YAML.
    private func quoted(_ text: String) -> String {
        JSONValue.string(text).serialized()
    }
}
