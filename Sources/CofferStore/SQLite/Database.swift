import CSQLite
import CCofferShims

/// An open SQLite connection. Owns its `sqlite3*` and closes it in `deinit` (`sqlite3_close_v2`).
///
/// Not thread-safe and deliberately not `Sendable`: it must be used by one thread at a time.
/// The connection is opened with `SQLITE_OPEN_NOMUTEX` because callers serialize access
/// themselves (the engine keeps each `Database` inside a `Mutex`); SQLite's own mutex would only
/// add cost, and could not make the connection's error message or statement state safe to share.
///
/// Every connection runs with `secure_delete=ON` (deleted content is overwritten, not left on free
/// pages), `synchronous=FULL` (a commit is on disk when it returns), `foreign_keys=ON`,
/// `trusted_schema=OFF`, `temp_store=MEMORY` (no temporary file), a 5 s busy timeout, extended
/// result codes, and, for read-write connections to a file, the WAL journal.
public final class Database {
    /// How to open the file.
    public enum Mode: Sendable {
        /// Read and write; the file is created (mode 0600) if missing, and put in WAL mode.
        case readWrite
        /// Read only; the file must exist.
        case readOnly
    }

    /// The path the connection was opened with.
    public let path: String
    /// The mode the connection was opened with.
    public let mode: Mode
    /// The `sqlite3*`, valid until `deinit`.
    let handle: OpaquePointer
    /// Prepared statements by SQL text; see `cachedStatement(_:)`.
    private var statementCache: [String: Statement] = [:]
    /// Installed by `monitorWAL(checkpointFrames:)`; released after the connection closes, so
    /// SQLite never calls the hook on freed memory.
    var walMonitor: WALMonitor?
    /// How many savepoints of this connection are open: names nested savepoints apart.
    var savepointDepth = 0

    /// The cache is emptied when it reaches this size: the engine uses a fixed set of SQL texts,
    /// so only a bug building SQL dynamically could grow it without bound.
    private static let statementCacheLimit = 512
    /// The default time to wait for another connection's lock before failing with SQLITE_BUSY.
    public static let defaultBusyTimeoutMilliseconds: Int32 = 5000

    /// Opens (creating, for `.readWrite`) the database at `path` and applies the connection
    /// settings described on the type. `":memory:"` opens a private in-memory database.
    public init(path: String, mode: Mode = .readWrite) throws(SQLiteError) {
        let inMemory = path == ":memory:" || path.isEmpty
        if mode == .readWrite && !inMemory {
            try OwnerOnlyFile.prepare(path)
        }
        let access = mode == .readWrite ? (SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE) : SQLITE_OPEN_READONLY
        var opened: OpaquePointer?
        let resultCode = sqlite3_open_v2(path, &opened, access | SQLITE_OPEN_NOMUTEX, nil)
        guard resultCode == SQLITE_OK, let opened else {
            let error = SQLiteError.fromConnection(opened, resultCode: resultCode)
            sqlite3_close_v2(opened)  // SQLite allocates a handle even when opening fails.
            throw error
        }
        self.path = path
        self.mode = mode
        self.handle = opened
        // From here on a throw releases `self`, and deinit closes the handle.
        try configure(writableFile: mode == .readWrite && !inMemory)
    }

    deinit {
        statementCache.removeAll()  // finalize cached statements before closing
        sqlite3_close_v2(handle)
    }

    private func configure(writableFile: Bool) throws(SQLiteError) {
        sqlite3_extended_result_codes(handle, 1)
        setBusyTimeout(milliseconds: Self.defaultBusyTimeoutMilliseconds)
        guard coffer_sqlite3_enable_defensive(handle) == SQLITE_OK else {
            throw SQLiteError.misuse("SQLITE_DBCONFIG_DEFENSIVE could not be enabled", code: SQLITE_ERROR)
        }
        // secure_delete is checked, not assumed: shredding depends on it.
        guard try row("PRAGMA secure_delete = ON")?.int64(0) == 1 else {
            throw SQLiteError.misuse("PRAGMA secure_delete could not be enabled", code: SQLITE_ERROR)
        }
        try execute("PRAGMA synchronous = FULL; PRAGMA foreign_keys = ON; PRAGMA trusted_schema = OFF;")
        // Statement and savepoint journals (a purge's pre-delete page images), sorts and
        // temporary tables stay in memory: a temporary file would keep copies of deleted pages
        // (wrapped keys, sealed values) that secure_delete and the WAL truncation never reach.
        // Checked, not assumed: a build with SQLITE_TEMP_STORE=0 ignores the pragma.
        try execute("PRAGMA temp_store = MEMORY")
        guard try row("PRAGMA temp_store")?.int64(0) == 2 else {
            throw SQLiteError.misuse("PRAGMA temp_store could not be set to MEMORY", code: SQLITE_ERROR)
        }
        if writableFile {
            let journalMode = try row("PRAGMA journal_mode = WAL")?.text(0)
            guard journalMode?.lowercased() == "wal" else {
                throw SQLiteError.misuse("the database could not be switched to WAL mode", code: SQLITE_ERROR)
            }
        }
    }

    /// Sets how long to wait for another connection's lock before failing with SQLITE_BUSY.
    public func setBusyTimeout(milliseconds: Int32) {
        sqlite3_busy_timeout(handle, milliseconds)
    }

    // MARK: Statements

    /// Runs one or more SQL statements that take no parameters (DDL, pragmas), discarding rows.
    public func execute(_ sql: String) throws(SQLiteError) {
        let resultCode = sqlite3_exec(handle, sql, nil, nil, nil)
        guard resultCode == SQLITE_OK else {
            throw SQLiteError.fromConnection(handle, resultCode: resultCode, sql: sql)
        }
    }

    /// Prepares exactly one statement; throws if `sql` holds none or more than one.
    public func prepare(_ sql: String) throws(SQLiteError) -> Statement {
        try prepare(sql, flags: 0)
    }

    /// A prepared statement for `sql` from this connection's cache, reset and with its bindings
    /// cleared. The same object is returned for the same text, so a caller must not interleave
    /// two uses of one SQL text (for example by running it again while iterating its rows).
    public func cachedStatement(_ sql: String) throws(SQLiteError) -> Statement {
        if let statement = statementCache[sql] {
            statement.reset()
            return statement
        }
        let statement = try prepare(sql, flags: UInt32(SQLITE_PREPARE_PERSISTENT))
        if statementCache.count >= Self.statementCacheLimit {
            statementCache.removeAll()
        }
        statementCache[sql] = statement
        return statement
    }

    /// Resets every cached statement, so that none keeps a read transaction open.
    func resetCachedStatements() {
        for statement in statementCache.values { statement.reset() }
    }

    private func prepare(_ sql: String, flags: UInt32) throws(SQLiteError) -> Statement {
        let outcome = sql.withCString { text -> Result<Statement, SQLiteError> in
            var prepared: OpaquePointer?
            var tail: UnsafePointer<CChar>?
            let resultCode = sqlite3_prepare_v3(handle, text, -1, flags, &prepared, &tail)
            guard resultCode == SQLITE_OK else {
                return .failure(SQLiteError.fromConnection(handle, resultCode: resultCode, sql: sql))
            }
            guard let prepared else {
                return .failure(SQLiteError.misuse("no SQL statement to prepare", sql: sql))
            }
            let statement = Statement(handle: prepared, sql: sql)
            if let tail, tail.pointee != 0, containsStatement(tail) {
                return .failure(SQLiteError.misuse("more than one SQL statement given to prepare", sql: sql))
            }
            return .success(statement)
        }
        return try outcome.get()
    }

    /// True if `text` holds another statement (not just whitespace, semicolons or comments).
    private func containsStatement(_ text: UnsafePointer<CChar>) -> Bool {
        var extra: OpaquePointer?
        let resultCode = sqlite3_prepare_v2(handle, text, -1, &extra, nil)
        sqlite3_finalize(extra)
        return resultCode != SQLITE_OK || extra != nil
    }

    // MARK: Convenience

    /// Runs a statement with `arguments` bound to its `?` parameters, to completion
    /// (INSERT/UPDATE/DELETE). `nil` binds NULL.
    public func run(_ sql: String, _ arguments: (any SQLiteBindable)?...) throws(SQLiteError) {
        try run(sql, arguments: arguments)
    }

    /// `run(_:_:)` with the arguments in an array.
    public func run(_ sql: String, arguments: [(any SQLiteBindable)?]) throws(SQLiteError) {
        let statement = try cachedStatement(sql)
        defer { statement.reset() }
        try statement.bind(arguments)
        try statement.runToCompletion()
    }

    /// All rows of a query, materialized.
    public func rows(_ sql: String, _ arguments: (any SQLiteBindable)?...) throws(SQLiteError) -> [Row] {
        try rows(sql, arguments: arguments)
    }

    /// `rows(_:_:)` with the arguments in an array.
    public func rows(_ sql: String, arguments: [(any SQLiteBindable)?]) throws(SQLiteError) -> [Row] {
        let statement = try cachedStatement(sql)
        defer { statement.reset() }
        try statement.bind(arguments)
        var result: [Row] = []
        while try statement.step() {
            result.append(statement.row())
        }
        return result
    }

    /// The first row of a query, or nil if it returns none. The statement is reset after the
    /// first row, so the remaining rows are never computed.
    public func row(_ sql: String, _ arguments: (any SQLiteBindable)?...) throws(SQLiteError) -> Row? {
        try row(sql, arguments: arguments)
    }

    /// `row(_:_:)` with the arguments in an array.
    public func row(_ sql: String, arguments: [(any SQLiteBindable)?]) throws(SQLiteError) -> Row? {
        let statement = try cachedStatement(sql)
        defer { statement.reset() }
        try statement.bind(arguments)
        return try statement.step() ? statement.row() : nil
    }

    /// Rows changed by the most recent INSERT, UPDATE or DELETE on this connection.
    public var changes: Int { Int(sqlite3_changes64(handle)) }

    /// The rowid of the most recent successful INSERT on this connection.
    public var lastInsertRowID: Int64 { sqlite3_last_insert_rowid(handle) }

    /// True while a transaction (or savepoint) is open on this connection.
    public var isInTransaction: Bool { sqlite3_get_autocommit(handle) == 0 }
}
