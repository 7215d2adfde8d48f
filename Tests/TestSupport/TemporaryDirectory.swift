import Foundation

/// A fresh directory under the system's temporary directory, for a test to remove when it is done.
public struct TemporaryDirectory: Sendable {
    /// The directory's path.
    public let path: String

    /// Makes a directory whose name starts with `prefix`.
    public init(prefix: String) throws {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("\(prefix)-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        path = url.path
    }

    /// The path of `name` inside the directory.
    public func file(_ name: String) -> String {
        path + "/" + name
    }

    /// Removes the directory and everything in it.
    public func remove() {
        try? FileManager.default.removeItem(atPath: path)
    }
}
