import Foundation
import Testing

/// Command-line tools some end-to-end tests run. In CI (`CI` set) a missing tool fails the test; elsewhere the test
/// is skipped with a comment naming what is missing.
enum RequiredTools {
    /// Whether this run is CI's: the `CI` environment variable is set to anything but the empty string.
    static var inCI: Bool { !(ProcessInfo.processInfo.environment["CI"] ?? "").isEmpty }

    /// The Debian package that provides each tool, for messages.
    static let packages = ["openssl": "openssl", "python3": "python3", "script": "bsdutils"]

    /// The tools among `names` that are not on this machine.
    static func missing(_ names: [String]) -> [String] {
        names.filter { Reliability.tool($0) == nil }
    }

    /// A trait that runs the test when every tool is present, or always in CI (where `path(_:)` then fails it),
    /// and otherwise skips it saying which tools are missing.
    static func trait(_ names: String...) -> ConditionTrait {
        let absent = missing(names)
        let reason = "skipped outside CI: needs \(describe(absent.isEmpty ? names : absent)), not found on PATH"
        return .enabled(if: inCI || absent.isEmpty, Comment(rawValue: reason))
    }

    /// The path of a tool the test cannot run without; throws (failing the test) with the tool's name when absent.
    static func path(_ name: String) throws -> String {
        if let path = Reliability.tool(name) { return path }
        throw MissingTool(name: name, package: packages[name] ?? name)
    }

    static func describe(_ names: [String]) -> String {
        names.map { "`\($0)` (Debian package \(packages[$0] ?? $0))" }.joined(separator: " and ")
    }

    /// A tool a test needs is not installed.
    struct MissingTool: Error, CustomStringConvertible {
        let name: String
        let package: String
        var description: String {
            "the `\(name)` command is missing (Debian package \(package); `.ci/run` installs it)"
                + (RequiredTools.inCI ? "; CI is set, so this fails instead of skipping" : "")
        }
    }
}
