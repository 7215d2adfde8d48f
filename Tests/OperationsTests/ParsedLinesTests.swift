import Alerts
import Foundation
import Ledger
import TestSupport
import Testing

@testable import Operations

/// The import's reading thread: lines come back in input order across hand-overs, bad and blank lines
/// where they were, and a consumer that stops early stops the thread too, without waiting for a pipe's next
/// line.
@Suite struct ParsedLinesTests {
    /// A file of `count` lines: every 7th bad, every 11th blank, the rest good alerts named by line number.
    static func file(_ directory: TemporaryDirectory, count: Int) throws -> String {
        var text = ""
        for number in 1...count {
            if number % 11 == 0 {
                text += "  \n"
            } else if number % 7 == 0 {
                text += "{not json\n"
            } else {
                text += #"{"app_key":"k","status":"critical","host":"h-\#(number)","check":"c"}"# + "\n"
            }
        }
        let path = directory.file("lines.jsonl")
        try text.write(toFile: path, atomically: false, encoding: .utf8)
        return path
    }

    static func lines(_ path: String) throws -> ParsedLines {
        let reader = try #require(LineReader(path: path))
        return try ParsedLines(reader: reader) { line throws(JSONLinesImport.LineError) in
            try JSONLinesImport.parse(line: line, importTime: 1_790_000_000, defaultAppKey: nil)
        }
    }

    @Test func everyLineComesBackInOrderAcrossHandOvers() throws {
        let directory = try TemporaryDirectory(prefix: "parsed-lines")
        defer { directory.remove() }
        // Several thousand lines: many hand-overs of 256, more than the 4 that may wait.
        let count = 5_000
        let parsed = try Self.lines(Self.file(directory, count: count))
        var seen: [Int] = []
        let readError = parsed.forEach { line in
            switch line {
            case .event(let event):
                let host = event.alert.payload["host"]?.stringValue ?? ""
                seen.append(Int(host.dropFirst(2)) ?? -1)
            case .bad(let number, let message):
                #expect(!message.isEmpty)
                seen.append(number)
            }
        }
        #expect(readError == nil)
        #expect(seen == (1...count).filter { $0 % 11 != 0 }, "every line but the blank ones, in order")
    }

    @Test(.timingSensitive) func aConsumerThatStopsEarlyStopsTheReader() async throws {
        struct Stop: Error {}
        let directory = try TemporaryDirectory(prefix: "parsed-lines")
        defer { directory.remove() }
        // 20,000 lines: the reader fills every hand-over and waits for room when the consumer stops.
        let path = try Self.file(directory, count: 20_000)
        let outcome = Recorder<String?>(nil)
        // On a thread of its own, so a forEach that never returns (a reader left waiting, joined forever)
        // fails this test instead of hanging the suite. The lines are made and freed there too, after the
        // early stop.
        Thread {
            var taken = 0
            do {
                let parsed = try Self.lines(path)
                _ = try parsed.forEach { _ in
                    taken += 1
                    if taken == 300 { throw Stop() }
                }
                outcome.update { $0 = "returned after \(taken)" }
            } catch {
                outcome.update { $0 = "threw after \(taken)" }
            }
        }.start()
        #expect(
            try await eventually(30) { outcome.value != nil }, "forEach never returned: the reader was not stopped")
        #expect(outcome.value == "threw after 300")
    }

    @Test(.timingSensitive) func anEarlyStopDoesNotWaitForAPipesNextLine() async throws {
        struct Stop: Error {}
        var ends: [Int32] = [0, 0]
        try #require(pipe(&ends) == 0)
        let (readEnd, writeEnd) = (ends[0], ends[1])
        // A producer that has written 300 lines and goes quiet with the pipe open, as `tail -f` would: the
        // reader hands the first 256 over and then waits in getline for line 301.
        let line = #"{"app_key":"k","status":"critical","host":"h","check":"c"}"# + "\n"
        let text = Array(String(repeating: line, count: 300).utf8)
        try #require(text.withUnsafeBytes { write(writeEnd, $0.baseAddress, $0.count) } == text.count)
        defer { close(writeEnd) }  // the reader then sees EOF and ends
        let outcome = Recorder<String?>(nil)
        Thread {
            do {
                let parsed = try Self.lines("/dev/fd/\(readEnd)")
                close(readEnd)  // LineReader holds its own descriptor
                _ = try parsed.forEach { _ in throw Stop() }
                outcome.update { $0 = "returned" }
            } catch {
                outcome.update { $0 = "threw" }
            }
        }.start()
        #expect(
            try await eventually(10) { outcome.value != nil },
            "forEach waited for the reader, which waits for a line that never comes")
        #expect(outcome.value == "threw")
    }
}
