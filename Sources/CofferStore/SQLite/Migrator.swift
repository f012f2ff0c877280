import CSQLite

/// Applies numbered schema migrations, recording progress in `PRAGMA user_version`.
public enum Migrator {
    /// Applies, in version order, every migration newer than the file's `user_version`, each in
    /// its own IMMEDIATE transaction together with the `user_version` update, so a failure leaves
    /// the schema at the last complete version. Running it again is a no-op.
    ///
    /// Throws, and changes nothing, if the file's `user_version` is newer than the newest
    /// migration given: this code does not know that schema and must not write to it. Also
    /// throws (`SQLITE_MISUSE`) if two migrations share a version or a version is out of range.
    public static func migrate(_ db: Database, _ migrations: [Migration]) throws(SQLiteError) {
        let ordered = migrations.sorted { $0.version < $1.version }
        for migration in ordered where migration.version < 1 || migration.version > Int(Int32.max) {
            throw SQLiteError.misuse("migration version \(migration.version) is out of range 1...\(Int32.max)")
        }
        for (earlier, later) in zip(ordered, ordered.dropFirst()) where earlier.version == later.version {
            throw SQLiteError.misuse("two migrations have version \(earlier.version)")
        }
        let newest = ordered.last?.version ?? 0
        try refuseNewerSchema(try userVersion(of: db), newest: newest)
        for migration in ordered {
            do {
                try db.transaction { () throws(SQLiteError) in
                    // Read again under the write lock: another process may have migrated meanwhile.
                    let current = try userVersion(of: db)
                    try refuseNewerSchema(current, newest: newest)
                    guard current < migration.version else { return }
                    try db.execute(migration.sql)
                    try db.execute("PRAGMA user_version = \(migration.version)")
                }
            } catch {
                throw error.flattened
            }
        }
    }

    /// The file's `PRAGMA user_version` (0 for a new file).
    public static func userVersion(of db: Database) throws(SQLiteError) -> Int {
        Int(try db.row("PRAGMA user_version")?.int64(0) ?? 0)
    }

    private static func refuseNewerSchema(_ current: Int, newest: Int) throws(SQLiteError) {
        guard current <= newest else {
            throw SQLiteError(
                extendedCode: SQLITE_ERROR,
                message: "the database schema is version \(current), newer than the newest this program knows (\(newest)); refusing to use it")
        }
    }
}
