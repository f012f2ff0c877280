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
/// How a running server is detected, with two independent signals:
/// - SQLite connections to a WAL database hold a shared lock on the database file for as long as
///   they are open, busy or idle. This connection sets `locking_mode=EXCLUSIVE` before touching
///   the file and then takes an exclusive lock, which fails (SQLITE_BUSY) while any other
///   connection, in this process or another, has the file open.
/// - They also hold a shared lock on the "DMS" byte (offset 128) of the `-shm` file for as long
///   as they have the WAL index mapped, which is how SQLite itself tells the first connection
///   from the others (see SQLite's walformat.html). POSIX drops all of a process's locks on a
///   file when that process closes *any* descriptor of it, so a process that opens and closes
///   its own database file outside SQLite loses the first lock without knowing; the second is
///   on another file and survives. It is probed with `F_GETLK` once the first is taken, so the
///   probe's own open and close cannot drop a lock of a connection in this process.
/// Both rely on SQLite's locking rather than on guesses such as "a non-empty `-wal` file means
/// a server", which a crashed server fools one way and an idle, checkpointed one the other.
/// Once taken, the lock is held until the restore is done, so a server started meanwhile cannot
/// open the file either.
///
/// The file is never opened outside SQLite while it may be open in this process (mode changes go
/// by path), for the same POSIX reason.
final class ExclusiveDatabase {
    let path: String
    /// True when this connection created the file (it did not exist before).
    let created: Bool
    private let handle: OpaquePointer

    /// Opens (creating, mode 0600, if missing) and locks the file.
    /// Throws `.inUse` if another connection has it open.
    init(path: String) throws(BackupError) {
        let created = try Self.createOrRestrict(path)
        var opened: OpaquePointer?
        let openCode = sqlite3_open_v2(path, &opened, SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOMUTEX, nil)
        guard openCode == SQLITE_OK, let opened else {
            let error = SQLiteError.fromConnection(opened, resultCode: openCode)
            sqlite3_close_v2(opened)
            throw .database(path: path, error)
        }
        self.path = path
        self.created = created
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
        if Self.sharedMemoryIsLocked(path + "-shm") { throw .inUse(path: path) }
    }

    /// Creates the file with mode 0600, or restricts an existing one to 0600 without opening it.
    /// Returns true when it created the file.
    private static func createOrRestrict(_ path: String) throws(BackupError) -> Bool {
        var info = stat()
        if stat(path, &info) == 0 {
            guard info.st_mode & 0o777 != 0o600 else { return false }
            guard chmod(path, 0o600) == 0 else { throw .fileSystem(path: path, reason: BackupError.errnoText()) }
            return false
        }
        let descriptor = open(path, O_RDWR | O_CREAT | O_EXCL | O_CLOEXEC, 0o600)
        guard descriptor >= 0 else { throw .fileSystem(path: path, reason: BackupError.errnoText()) }
        defer { close(descriptor) }
        guard fchmod(descriptor, 0o600) == 0 else { throw .fileSystem(path: path, reason: BackupError.errnoText()) }
        return true
    }

    /// True when another process holds a lock on the DMS byte of the WAL index `path`.
    private static func sharedMemoryIsLocked(_ path: String) -> Bool {
        let descriptor = open(path, O_RDONLY | O_CLOEXEC)
        guard descriptor >= 0 else { return false }
        defer { close(descriptor) }
        var probe = flock()
        probe.l_type = Int16(F_WRLCK)
        probe.l_whence = Int16(SEEK_SET)
        probe.l_start = Self.sharedMemoryDMSByte
        probe.l_len = 1
        guard fcntl(descriptor, F_GETLK, &probe) == 0 else { return false }
        return probe.l_type != Int16(F_UNLCK)
    }

    /// SQLite's unix VFS: 8 WAL locks at bytes 120–127 of the `-shm` file, then the DMS byte.
    private static let sharedMemoryDMSByte: off_t = 128

    deinit {
        // In exclusive WAL mode, closing checkpoints the WAL into the file and deletes it.
        sqlite3_close_v2(handle)
    }

    /// True when the file holds a schema (tables), not only when it is non-empty.
    func holdsDatabase() throws(BackupError) -> Bool {
        try integerRows("SELECT count(*) FROM sqlite_master").first?.first ?? 0 > 0
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
