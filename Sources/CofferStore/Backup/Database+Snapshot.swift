#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import CSQLite

extension Database {
    /// Copies a consistent snapshot of this database into a new file at `path` (mode 0600; it
    /// must not exist) with SQLite's online backup API. If this connection has a read
    /// transaction open, the copy is of that snapshot. On failure the partial copy is removed.
    /// Call `finishSnapshot(_:)` on the copy afterwards, once the source's snapshot is released.
    ///
    /// Why one backup step for the whole file rather than small steps of pages: between
    /// two steps the source's read lock is released, and a write by another process (the running
    /// server) restarts the copy from the first page, so under steady traffic a large vault might
    /// never finish. One step copies inside a single WAL read transaction: the server keeps
    /// writing meanwhile (WAL readers do not block writers), and the copy is the database exactly
    /// as of the start of the step. The destination is written without syncs and synced later by
    /// `finishSnapshot(_:)`, so the source snapshot is held no longer than the copying itself.
    func snapshot(to path: String) throws(SQLiteError) {
        try OwnerOnlyFile.createNew(path)
        var completed = false
        defer { if !completed { BackupFiles.removeDatabase(path) } }
        try copyInOneStep(to: path)
        completed = true
    }

    /// Turns a copy made by `snapshot(to:)` into a rollback-journal database and syncs it and its
    /// directory. On failure the copy is removed.
    ///
    /// Why rollback-journal mode: a WAL file opened read-only creates `-wal` and `-shm` files
    /// beside it. A backup directory holds exactly the files its manifest lists and can be
    /// verified without being written to.
    static func finishSnapshot(_ path: String) throws(SQLiteError) {
        var completed = false
        defer { if !completed { BackupFiles.removeDatabase(path) } }
        try switchToRollbackJournal(path)
        completed = true
    }

    private func copyInOneStep(to path: String) throws(SQLiteError) {
        var opened: OpaquePointer?
        let openCode = sqlite3_open_v2(path, &opened, SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOMUTEX, nil)
        defer { sqlite3_close_v2(opened) }
        guard openCode == SQLITE_OK, let destination = opened else {
            throw SQLiteError.fromConnection(opened, resultCode: openCode)
        }
        sqlite3_extended_result_codes(destination, 1)
        // A new file nobody else sees: crash safety comes from the fsync after the switch below.
        sqlite3_exec(destination, "PRAGMA synchronous = OFF; PRAGMA journal_mode = OFF", nil, nil, nil)
        guard let backup = sqlite3_backup_init(destination, "main", handle, "main") else {
            throw SQLiteError.fromConnection(destination, resultCode: sqlite3_extended_errcode(destination))
        }
        var stepCode: Int32
        var busyRetries = 0
        repeat {
            stepCode = sqlite3_backup_step(backup, -1)
            let primary = stepCode & 0xFF
            guard (primary == SQLITE_BUSY || primary == SQLITE_LOCKED) && busyRetries < Self.snapshotBusyRetryLimit else { break }
            busyRetries += 1
            sqlite3_sleep(10)
        } while true
        let finishCode = sqlite3_backup_finish(backup)
        guard stepCode == SQLITE_DONE else {
            throw SQLiteError.fromConnection(destination, resultCode: stepCode, sql: "online backup")
        }
        guard finishCode == SQLITE_OK else {
            throw SQLiteError.fromConnection(destination, resultCode: finishCode, sql: "online backup")
        }
    }

    /// Turns the copied file (which carries the source's WAL flag) into a rollback-journal
    /// database, then syncs it and its directory.
    private static func switchToRollbackJournal(_ path: String) throws(SQLiteError) {
        do {
            let copy = try Database(path: path)
            guard try copy.row("PRAGMA journal_mode = DELETE")?.text(0)?.lowercased() == "delete" else {
                throw SQLiteError.misuse("the backup copy could not be switched to rollback-journal mode", code: SQLITE_ERROR)
            }
        }
        // Closing the last connection removed the WAL; an empty shared-memory file may remain.
        unlink(path + "-shm")
        unlink(path + "-wal")
        do {
            try BackupFiles.syncFile(path)
            try BackupFiles.syncDirectory(BackupFiles.directory(of: path))
        } catch {
            throw SQLiteError(extendedCode: SQLITE_IOERR, message: error.description)
        }
    }

    /// With 10 ms sleeps, about the default busy timeout.
    private static let snapshotBusyRetryLimit = 500
}
