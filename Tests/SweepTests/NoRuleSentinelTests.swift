import Foundation
import Testing

/// "No rule applied" is a nil rule, spelt `-` only by the command line's one renderer: no source
/// passes, stores or compares `"-"` as a rule.
@Suite struct NoRuleSentinelTests {
    /// Every Swift source under `Sources`, as (path, lines).
    static func sources() throws -> [(path: String, lines: [Substring])] {
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent("Sources")
        let enumerator = try #require(FileManager.default.enumerator(atPath: root.path))
        var files: [(String, [Substring])] = []
        for case let relative as String in enumerator where relative.hasSuffix(".swift") {
            let text = try String(contentsOfFile: root.appendingPathComponent(relative).path, encoding: .utf8)
            files.append((relative, text.split(separator: "\n", omittingEmptySubsequences: false)))
        }
        return files
    }

    @Test func noSourceUsesADashAsARule() throws {
        let files = try Self.sources()
        #expect(files.count > 100, "the sources were found")
        var offending: [String] = []
        for (path, lines) in files {
            for (number, line) in lines.enumerated() where line.contains(#""-""#) {
                if line.lowercased().contains("rule") || path.hasPrefix("Sweep/") || path.hasPrefix("Staleness/") {
                    offending.append("\(path):\(number + 1): \(line)")
                }
            }
        }
        #expect(offending.isEmpty, "\(offending.joined(separator: "\n"))")
        let renderer = files.filter { $0.lines.contains { $0.contains(#"name ?? "-""#) } }.map(\.path)
        #expect(renderer == ["logzio-resolver/Output.swift"], "one place renders no rule as -")
    }
}
