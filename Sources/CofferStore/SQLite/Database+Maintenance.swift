#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import CSQLite

extension Database {
    /// Copies every WAL frame into the database file and truncates the WAL to zero bytes
    /// (`wal_checkpoint(TRUNCATE)`), so that the WAL keeps no copy of deleted content.
    ///
    /// Throws (SQLITE_BUSY) if the checkpoint could not complete, for example because another
    /// connection holds a read transaction beyond the busy timeout: a shred must not believe
    /// the WAL is clean when it is not. Cached statements are reset first so that none of this
    /// connection's own holds a read lock.
    public func checkpointTruncate() throws(SQLiteError) {
        resetCachedStatements()
        var framesInLog: Int32 = 0
        var framesCheckpointed: Int32 = 0
        let resultCode = sqlite3_wal_checkpoint_v2(
            handle, nil, SQLITE_CHECKPOINT_TRUNCATE, &framesInLog, &framesCheckpointed)
        guard resultCode == SQLITE_OK else {
            throw SQLiteError.fromConnection(handle, resultCode: resultCode, sql: "PRAGMA wal_checkpoint(TRUNCATE)")
        }
        guard framesInLog <= 0 || framesCheckpointed >= framesInLog else {
            throw SQLiteError(
                extendedCode: SQLITE_BUSY,
                message: "checkpoint incomplete: \(framesCheckpointed) of \(framesInLog) WAL frames copied",
                sql: "PRAGMA wal_checkpoint(TRUNCATE)")
        }
    }

    /// Runs `PRAGMA integrity_check` and returns its lines: `["ok"]` when the file is healthy.
    public func integrityCheck() throws(SQLiteError) -> [String] {
        try rows("PRAGMA integrity_check").map { $0.text(0) ?? "" }
    }

    /// Copies this database, page by page with the online backup API, into a new file at `path`
    /// created with mode 0600. The file must not exist. On failure the partial copy is removed.
    ///
    /// The copy carries everything the source file holds, including its WAL header flag, so it
    /// opens in WAL mode; committed changes still in this connection's WAL are included.
    public func backup(to path: String) throws(SQLiteError) {
        try OwnerOnlyFile.createNew(path)
        var completed = false
        defer {
            if !completed {
                unlink(path)
                unlink(path + "-journal")
            }
        }
        var opened: OpaquePointer?
        let openCode = sqlite3_open_v2(path, &opened, SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOMUTEX, nil)
        defer { sqlite3_close_v2(opened) }
        guard openCode == SQLITE_OK, let destination = opened else {
            throw SQLiteError.fromConnection(opened, resultCode: openCode)
        }
        sqlite3_extended_result_codes(destination, 1)
        sqlite3_exec(destination, "PRAGMA synchronous = FULL", nil, nil, nil)
        guard let backup = sqlite3_backup_init(destination, "main", handle, "main") else {
            throw SQLiteError.fromConnection(destination, resultCode: sqlite3_extended_errcode(destination))
        }
        var stepCode: Int32
        var busyRetries = 0
        while true {
            stepCode = sqlite3_backup_step(backup, Self.backupPagesPerStep)
            let primary = stepCode & 0xFF
            if primary == SQLITE_OK { continue }
            if (primary == SQLITE_BUSY || primary == SQLITE_LOCKED) && busyRetries < Self.backupBusyRetryLimit {
                // Another process holds a lock on the source: wait a little, but not forever.
                busyRetries += 1
                sqlite3_sleep(10)
                continue
            }
            break
        }
        // backup_finish releases the backup and leaves the step's error on the destination.
        let finishCode = sqlite3_backup_finish(backup)
        guard stepCode == SQLITE_DONE else {
            throw SQLiteError.fromConnection(destination, resultCode: stepCode, sql: "online backup")
        }
        guard finishCode == SQLITE_OK else {
            throw SQLiteError.fromConnection(destination, resultCode: finishCode, sql: "online backup")
        }
        completed = true
    }

    /// Pages copied per `sqlite3_backup_step`: small steps release the source lock often.
    private static let backupPagesPerStep: Int32 = 256
    /// With 10 ms sleeps, about the default busy timeout.
    private static let backupBusyRetryLimit = 500
}
