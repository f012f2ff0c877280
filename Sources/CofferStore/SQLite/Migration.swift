/// One numbered schema change. Versions are positive, unique, and at most `Int32.max`
/// (SQLite's `user_version` is a 32-bit integer).
public struct Migration: Sendable {
    /// The schema version this migration brings the database to.
    public let version: Int
    /// The SQL to run: one or more statements, without BEGIN/COMMIT (the migrator wraps them).
    public let sql: String

    /// Creates a migration to `version` running `sql`.
    public init(version: Int, sql: String) {
        self.version = version
        self.sql = sql
    }
}
