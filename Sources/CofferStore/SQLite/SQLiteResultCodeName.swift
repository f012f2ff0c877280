import CSQLite

/// Symbolic names of SQLite result codes, for error text.
///
/// The extended codes are C macros built with `|` and `<<`, which Swift cannot import, so they
/// are listed here as (primary code, extension number) pairs exactly as `sqlite3.h` defines them.
enum SQLiteResultCodeName {
    /// "SQLITE_CONSTRAINT_UNIQUE" for 2067, "SQLITE_BUSY" for 5, or the number when unknown.
    static func name(of extendedCode: Int32) -> String {
        if let name = extendedNames[extendedCode] { return name }
        if extendedCode & ~0xFF == 0, let name = primaryNames[extendedCode] { return name }
        if let primary = primaryNames[extendedCode & 0xFF] { return "\(primary) extended \(extendedCode)" }
        return String(extendedCode)
    }

    private static let primaryNames: [Int32: String] = [
        SQLITE_OK: "SQLITE_OK", SQLITE_ERROR: "SQLITE_ERROR", SQLITE_INTERNAL: "SQLITE_INTERNAL",
        SQLITE_PERM: "SQLITE_PERM", SQLITE_ABORT: "SQLITE_ABORT", SQLITE_BUSY: "SQLITE_BUSY",
        SQLITE_LOCKED: "SQLITE_LOCKED", SQLITE_NOMEM: "SQLITE_NOMEM", SQLITE_READONLY: "SQLITE_READONLY",
        SQLITE_INTERRUPT: "SQLITE_INTERRUPT", SQLITE_IOERR: "SQLITE_IOERR", SQLITE_CORRUPT: "SQLITE_CORRUPT",
        SQLITE_NOTFOUND: "SQLITE_NOTFOUND", SQLITE_FULL: "SQLITE_FULL", SQLITE_CANTOPEN: "SQLITE_CANTOPEN",
        SQLITE_PROTOCOL: "SQLITE_PROTOCOL", SQLITE_EMPTY: "SQLITE_EMPTY", SQLITE_SCHEMA: "SQLITE_SCHEMA",
        SQLITE_TOOBIG: "SQLITE_TOOBIG", SQLITE_CONSTRAINT: "SQLITE_CONSTRAINT", SQLITE_MISMATCH: "SQLITE_MISMATCH",
        SQLITE_MISUSE: "SQLITE_MISUSE", SQLITE_NOLFS: "SQLITE_NOLFS", SQLITE_AUTH: "SQLITE_AUTH",
        SQLITE_FORMAT: "SQLITE_FORMAT", SQLITE_RANGE: "SQLITE_RANGE", SQLITE_NOTADB: "SQLITE_NOTADB",
        SQLITE_NOTICE: "SQLITE_NOTICE", SQLITE_WARNING: "SQLITE_WARNING", SQLITE_ROW: "SQLITE_ROW",
        SQLITE_DONE: "SQLITE_DONE",
    ]

    private static let extensions: [(primary: Int32, number: Int32, suffix: String)] = [
        (SQLITE_ERROR, 1, "MISSING_COLLSEQ"), (SQLITE_ERROR, 2, "RETRY"), (SQLITE_ERROR, 3, "SNAPSHOT"),
        (SQLITE_IOERR, 1, "READ"), (SQLITE_IOERR, 2, "SHORT_READ"), (SQLITE_IOERR, 3, "WRITE"),
        (SQLITE_IOERR, 4, "FSYNC"), (SQLITE_IOERR, 5, "DIR_FSYNC"), (SQLITE_IOERR, 6, "TRUNCATE"),
        (SQLITE_IOERR, 7, "FSTAT"), (SQLITE_IOERR, 8, "UNLOCK"), (SQLITE_IOERR, 9, "RDLOCK"),
        (SQLITE_IOERR, 10, "DELETE"), (SQLITE_IOERR, 11, "BLOCKED"), (SQLITE_IOERR, 12, "NOMEM"),
        (SQLITE_IOERR, 13, "ACCESS"), (SQLITE_IOERR, 14, "CHECKRESERVEDLOCK"), (SQLITE_IOERR, 15, "LOCK"),
        (SQLITE_IOERR, 16, "CLOSE"), (SQLITE_IOERR, 17, "DIR_CLOSE"), (SQLITE_IOERR, 18, "SHMOPEN"),
        (SQLITE_IOERR, 19, "SHMSIZE"), (SQLITE_IOERR, 20, "SHMLOCK"), (SQLITE_IOERR, 21, "SHMMAP"),
        (SQLITE_IOERR, 22, "SEEK"), (SQLITE_IOERR, 23, "DELETE_NOENT"), (SQLITE_IOERR, 24, "MMAP"),
        (SQLITE_IOERR, 25, "GETTEMPPATH"), (SQLITE_IOERR, 26, "CONVPATH"), (SQLITE_IOERR, 27, "VNODE"),
        (SQLITE_IOERR, 28, "AUTH"), (SQLITE_IOERR, 29, "BEGIN_ATOMIC"), (SQLITE_IOERR, 30, "COMMIT_ATOMIC"),
        (SQLITE_IOERR, 31, "ROLLBACK_ATOMIC"), (SQLITE_IOERR, 32, "DATA"), (SQLITE_IOERR, 33, "CORRUPTFS"),
        (SQLITE_LOCKED, 1, "SHAREDCACHE"), (SQLITE_LOCKED, 2, "VTAB"),
        (SQLITE_BUSY, 1, "RECOVERY"), (SQLITE_BUSY, 2, "SNAPSHOT"), (SQLITE_BUSY, 3, "TIMEOUT"),
        (SQLITE_CANTOPEN, 1, "NOTEMPDIR"), (SQLITE_CANTOPEN, 2, "ISDIR"), (SQLITE_CANTOPEN, 3, "FULLPATH"),
        (SQLITE_CANTOPEN, 4, "CONVPATH"), (SQLITE_CANTOPEN, 5, "DIRTYWAL"), (SQLITE_CANTOPEN, 6, "SYMLINK"),
        (SQLITE_CORRUPT, 1, "VTAB"), (SQLITE_CORRUPT, 2, "SEQUENCE"), (SQLITE_CORRUPT, 3, "INDEX"),
        (SQLITE_READONLY, 1, "RECOVERY"), (SQLITE_READONLY, 2, "CANTLOCK"), (SQLITE_READONLY, 3, "ROLLBACK"),
        (SQLITE_READONLY, 4, "DBMOVED"), (SQLITE_READONLY, 5, "CANTINIT"), (SQLITE_READONLY, 6, "DIRECTORY"),
        (SQLITE_ABORT, 2, "ROLLBACK"),
        (SQLITE_CONSTRAINT, 1, "CHECK"), (SQLITE_CONSTRAINT, 2, "COMMITHOOK"), (SQLITE_CONSTRAINT, 3, "FOREIGNKEY"),
        (SQLITE_CONSTRAINT, 4, "FUNCTION"), (SQLITE_CONSTRAINT, 5, "NOTNULL"), (SQLITE_CONSTRAINT, 6, "PRIMARYKEY"),
        (SQLITE_CONSTRAINT, 7, "TRIGGER"), (SQLITE_CONSTRAINT, 8, "UNIQUE"), (SQLITE_CONSTRAINT, 9, "VTAB"),
        (SQLITE_CONSTRAINT, 10, "ROWID"), (SQLITE_CONSTRAINT, 11, "PINNED"), (SQLITE_CONSTRAINT, 12, "DATATYPE"),
        (SQLITE_NOTICE, 1, "RECOVER_WAL"), (SQLITE_NOTICE, 2, "RECOVER_ROLLBACK"),
        (SQLITE_WARNING, 1, "AUTOINDEX"), (SQLITE_AUTH, 1, "USER"),
        (SQLITE_OK, 1, "LOAD_PERMANENTLY"), (SQLITE_OK, 2, "SYMLINK"),
    ]

    private static let extendedNames: [Int32: String] = {
        var names: [Int32: String] = [:]
        for entry in extensions {
            let primaryName = primaryNames[entry.primary] ?? String(entry.primary)
            names[entry.primary | (entry.number << 8)] = "\(primaryName)_\(entry.suffix)"
        }
        return names
    }()
}
