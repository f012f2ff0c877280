import CCofferShims
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

    /// `checkpointTruncate()` without waiting for other connections: SQLITE_BUSY at once while a
    /// writer holds the database or a reader holds a snapshot the truncation would take away.
    /// (With a busy timeout, a `TRUNCATE` checkpoint waits for such a reader while holding the
    /// write lock, so every writer waits with it.)
    public func checkpointTruncateWithoutWaiting() throws(SQLiteError) {
        setBusyTimeout(milliseconds: 0)
        defer { setBusyTimeout(milliseconds: Self.defaultBusyTimeoutMilliseconds) }
        try checkpointTruncate()
    }

    /// Copies as many WAL frames into the database file as it can without waiting for anyone
    /// (`wal_checkpoint(PASSIVE)`): the writer and the readers go on meanwhile. Returns the
    /// frames in the WAL and how many of them are now in the database file.
    @discardableResult
    public func checkpointPassive() throws(SQLiteError) -> (framesInLog: Int, framesCheckpointed: Int) {
        var framesInLog: Int32 = 0
        var framesCheckpointed: Int32 = 0
        let resultCode = sqlite3_wal_checkpoint_v2(handle, nil, SQLITE_CHECKPOINT_PASSIVE, &framesInLog, &framesCheckpointed)
        guard resultCode == SQLITE_OK else {
            throw SQLiteError.fromConnection(handle, resultCode: resultCode, sql: "PRAGMA wal_checkpoint(PASSIVE)")
        }
        return (Int(framesInLog), Int(framesCheckpointed))
    }

    /// Replaces SQLite's automatic checkpoint with a WAL monitor: the frame count after each
    /// commit becomes readable from other threads, and this connection checkpoints by itself only
    /// once the WAL holds `checkpointFrames` (see `WALCheckpointer`).
    public func monitorWAL(checkpointFrames: Int) throws(SQLiteError) -> WALMonitor {
        if let walMonitor { return walMonitor }
        guard let pointer = coffer_wal_monitor_install(handle, Int32(clamping: checkpointFrames)) else {
            throw SQLiteError.misuse("out of memory installing the WAL monitor", code: SQLITE_NOMEM)
        }
        let monitor = WALMonitor(monitor: pointer)
        walMonitor = monitor
        return monitor
    }

    /// Runs `PRAGMA integrity_check` and returns its lines: `["ok"]` when the file is healthy.
    public func integrityCheck() throws(SQLiteError) -> [String] {
        try rows("PRAGMA integrity_check").map { $0.text(0) ?? "" }
    }
}
