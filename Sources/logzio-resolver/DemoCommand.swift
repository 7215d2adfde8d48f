import ArgumentParser
import Demo

/// `demo`: a real sweep through libcurl against a local stand-in for BigPanda, with no account needed.
struct DemoCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "demo",
        abstract: "Show a sweep end to end against a local stand-in for BigPanda (no account needed).",
        discussion: "Uses a temporary ledger in memory, gone when it ends. Sends nothing outside this machine."
    )

    @OptionGroup var logging: LoggingOptions

    func run() async throws {
        try await DemoRun(logger: logging.makeLogger(), wallClock: wallClock) { Output.line($0) }.run()
    }
}
