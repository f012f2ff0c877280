#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import CCofferShims
import CSQLite

/// A connection that holds a database file exclusively for as long as it is open: the restore
/// target.
///
/// How a running server is detected: SQLite connections to a WAL database hold a shared lock on
/// the database file for as long as they are open, busy or idle. This connection sets
/// `locking_mode=EXCLUSIVE` before touching the file and then takes an exclusive lock, which
/// fails (SQLITE_BUSY) while any other connection, in this process or another, has the file
/// open. The check therefore relies on SQLite's own locking rather than on guesses such as
/// "a non-empty `-wal` file means a server", which a crashed server would fool in one direction
/// and an idle, freshly checkpointed one in the other. Once taken, the lock is held until the
/// restore is done, so a server started meanwhile cannot open the file either.
final class ExclusiveDatabase {
    let path: String
    private let handle: OpaquePointer

    /// Opens (creating, mode 0600, if missing) and locks the file.
    /// Throws `.inUse` if another connection has it open.
    init(path: String) throws(BackupError) {
        do { try OwnerOnlyFile.prepare(path) } catch { throw .database(path: path, error) }
        var opened: OpaquePointer?
        let openCode = sqlite3_open_v2(path, &opened, SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOMUTEX, nil)
        guard openCode == SQLITE_OK, let opened else {
            let error = SQLiteError.fromConnection(opened, resultCode: openCode)
            sqlite3_close_v2(opened)
            throw .database(path: path, error)
        }
        self.path = path
        self.handle = opened
        sqlite3_extended_result_codes(handle, 1)
        // A server that is just committing holds its lock for milliseconds; one that is running
        // holds it for good. A short wait tells the two apart.
        sqlite3_busy_timeout(handle, 1000)
        do {
            _ = coffer_sqlite3_enable_defensive(handle)
            try execute("PRAGMA locking_mode = EXCLUSIVE")
            try execute("PRAGMA secure_delete = ON; PRAGMA synchronous = FULL")
            try execute("BEGIN EXCLUSIVE; COMMIT")
        } catch {
            if error.isBusy { throw .inUse(path: path) }
            throw .database(path: path, error)
        }
    }

    deinit {
        // In exclusive WAL mode, closing checkpoints the WAL into the file and deletes it.
        sqlite3_close_v2(handle)
    }

    /// True when the file holds a schema (tables), not only when it is non-empty.
    func holdsDatabase() throws(BackupError) -> Bool {
        try integerRows("SELECT count(*) FROM sqlite_master").first?.first ?? 0 > 0
    }

    /// True when the file has a table of this name.
    func hasTable(_ name: String) throws(BackupError) -> Bool {
        try integerRows("SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name = '\(name)'").first?.first ?? 0 > 0
    }

    /// Every row of a query whose columns are all integers (NULL reads as 0).
    func integerRows(_ sql: String) throws(BackupError) -> [[Int64]] {
        var prepared: OpaquePointer?
        let prepareCode = sqlite3_prepare_v2(handle, sql, -1, &prepared, nil)
        defer { sqlite3_finalize(prepared) }
        guard prepareCode == SQLITE_OK, let statement = prepared else {
            throw .database(path: path, SQLiteError.fromConnection(handle, resultCode: prepareCode, sql: sql))
        }
        var rows: [[Int64]] = []
        while true {
            let stepCode = sqlite3_step(statement)
            if stepCode == SQLITE_DONE { break }
            guard stepCode == SQLITE_ROW else {
                throw .database(path: path, SQLiteError.fromConnection(handle, resultCode: stepCode, sql: sql))
            }
            rows.append((0..<sqlite3_column_count(statement)).map { sqlite3_column_int64(statement, $0) })
        }
        return rows
    }

    /// Replaces the whole contents of this database with `source`, in one transaction of the
    /// online backup API (a crash part way leaves the old contents), then checkpoints the WAL
    /// so that the file alone holds the restored pages.
    func replaceContents(with source: Database) throws(BackupError) {
        guard let backup = sqlite3_backup_init(handle, "main", source.handle, "main") else {
            throw .database(path: path, SQLiteError.fromConnection(handle, resultCode: sqlite3_extended_errcode(handle)))
        }
        let stepCode = sqlite3_backup_step(backup, -1)
        let finishCode = sqlite3_backup_finish(backup)
        guard stepCode == SQLITE_DONE else {
            throw .database(path: path, SQLiteError.fromConnection(handle, resultCode: stepCode, sql: "online backup (restore)"))
        }
        guard finishCode == SQLITE_OK else {
            throw .database(path: path, SQLiteError.fromConnection(handle, resultCode: finishCode, sql: "online backup (restore)"))
        }
        do {
            // In rollback-journal mode this is a no-op; in WAL mode it folds the WAL into the file.
            try execute("PRAGMA wal_checkpoint(TRUNCATE)")
        } catch {
            throw .database(path: path, error)
        }
    }

    private func execute(_ sql: String) throws(SQLiteError) {
        let resultCode = sqlite3_exec(handle, sql, nil, nil, nil)
        guard resultCode == SQLITE_OK else { throw SQLiteError.fromConnection(handle, resultCode: resultCode, sql: sql) }
    }
}
