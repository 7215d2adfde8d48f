import Foundation
import Postgres

#if canImport(Glibc)
    import Glibc
#endif

/// The throwaway PostgreSQL server the tests share: the one `.ci/run` started
/// (`LOGZIO_RESOLVER_TEST_POSTGRES`), else one this process starts with `Scripts/test-postgres.sh`
/// and stops when it exits.
public enum PostgresTestServer {
    /// Why no server could be had.
    public struct Unavailable: Error, CustomStringConvertible {
        /// What went wrong.
        public var description: String
    }

    /// The server's connection string (database `postgres`), or why there is none.
    public static let shared: Result<String, Unavailable> = start()

    nonisolated(unsafe) private static var startedDirectory: String?

    private static func start() -> Result<String, Unavailable> {
        if let given = ProcessInfo.processInfo.environment["LOGZIO_RESOLVER_TEST_POSTGRES"], !given.isEmpty {
            return .success(given)
        }
        let script = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent("Scripts/test-postgres.sh").path
        // Files, not pipes: the server the script leaves running must hold no end of a pipe we read.
        let outputPath = NSTemporaryDirectory() + "lr-pg-\(UUID().uuidString).out"
        let errorPath = outputPath + ".err"
        defer {
            try? FileManager.default.removeItem(atPath: outputPath)
            try? FileManager.default.removeItem(atPath: errorPath)
        }
        // posix_spawn and waitpid: Foundation's Process can miss the exit of a child whose own child
        // (the server) lives on, and this runs inside a lazy initializer on the test pool.
        let status = Self.run(["/bin/bash", script, "start"], stdout: outputPath, stderr: errorPath)
        let text = (try? String(contentsOfFile: outputPath, encoding: .utf8)) ?? ""
        let problem = (try? String(contentsOfFile: errorPath, encoding: .utf8)) ?? ""
        let conninfo = text.trimmingCharacters(in: .whitespacesAndNewlines)
        guard status == 0, conninfo.hasPrefix("host=") else {
            return .failure(Unavailable(description: "test-postgres.sh start failed: \(problem)"))
        }
        startedDirectory = String(conninfo.dropFirst(5).prefix { $0 != " " })
        atexit {
            guard let directory = PostgresTestServer.startedDirectory else { return }
            let script = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
                .deletingLastPathComponent().appendingPathComponent("Scripts/test-postgres.sh").path
            _ = PostgresTestServer.run(
                ["/bin/bash", script, "stop", directory], stdout: "/dev/null", stderr: "/dev/null")
        }
        return .success(conninfo)
    }

    /// Runs a command to its end with its output in files; returns its exit status (-1 if it could not run).
    static func run(_ arguments: [String], stdout: String, stderr: String) -> Int32 {
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        posix_spawn_file_actions_addopen(&actions, 1, stdout, O_WRONLY | O_CREAT | O_TRUNC, 0o600)
        posix_spawn_file_actions_addopen(&actions, 2, stderr, O_WRONLY | O_CREAT | O_TRUNC, 0o600)
        var argv: [UnsafeMutablePointer<CChar>?] = arguments.map { strdup($0) } + [nil]
        defer { for pointer in argv { free(pointer) } }
        var pid = pid_t()
        guard posix_spawn(&pid, arguments[0], &actions, nil, &argv, environ) == 0 else { return -1 }
        var status: Int32 = 0
        while waitpid(pid, &status, 0) < 0, errno == EINTR {}
        return (status & 0x7f) == 0 ? (status >> 8) & 0xff : -1
    }

    /// A new empty database on the shared server, as a connection string; nil outside CI when there is
    /// no server (the reason is printed). In CI (`CI` set) a missing server is an error.
    public static func freshDatabase() throws -> String? {
        switch shared {
        case .failure(let unavailable):
            if ProcessInfo.processInfo.environment["CI"].map({ !$0.isEmpty }) ?? false {
                throw unavailable
            }
            print("skipped: no PostgreSQL for the tests (\(unavailable)); install postgresql to run them")
            return nil
        case .success(let conninfo):
            let admin = try PostgresConnection(try PostgresConnectionString(conninfo))
            let name = "t_" + UUID().uuidString.replacingOccurrences(of: "-", with: "").lowercased()
            // FILE_COPY: the default (WAL_LOG, PostgreSQL 15) writes the template through the WAL and took
            // about a second a database here; hundreds of tests make one. Servers before 15 do not know it.
            do {
                try admin.execute("CREATE DATABASE \(name) STRATEGY = FILE_COPY")
            } catch {
                try admin.execute("CREATE DATABASE \(name)")
            }
            return conninfo.replacingOccurrences(of: "dbname=postgres", with: "dbname=\(name)")
        }
    }

    /// The server's TCP port, for `postgres://` URIs.
    public static var port: String? {
        guard case .success(let conninfo) = shared else { return nil }
        return conninfo.split(separator: " ").first { $0.hasPrefix("port=") }.map { String($0.dropFirst(5)) }
    }
}
