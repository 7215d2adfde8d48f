/// The version of logzio-resolver, sent in the User-Agent and shown by `--version`.
public enum ResolverVersion {
    /// The current version.
    public static let current = "0.1.0"
}
