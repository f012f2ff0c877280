import CSQLite

/// A SQLite failure.
///
/// The text is built only from the result code, SQLite's own message (`sqlite3_errmsg`, which
/// names tables, columns and constraints but never the values involved) and, optionally, the
/// SQL text of the statement with its `?` placeholders. Bound values never appear in it: they
/// are personal data or ciphertext, and error text ends up in logs.
public struct SQLiteError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The primary result code (`SQLITE_CONSTRAINT`, `SQLITE_BUSY`, …): the low byte of `extendedCode`.
    public let code: Int32
    /// The extended result code (`SQLITE_CONSTRAINT_UNIQUE`, `SQLITE_IOERR_FSYNC`, …).
    public let extendedCode: Int32
    /// SQLite's English message, or a message written by this layer for failures it detects itself.
    public let message: String
    /// The SQL text of the failing statement, placeholders only, when one was involved.
    public let sql: String?

    /// Creates an error from an extended (or primary) result code.
    public init(extendedCode: Int32, message: String, sql: String? = nil) {
        self.code = extendedCode & 0xFF
        self.extendedCode = extendedCode
        self.message = message
        self.sql = sql
    }

    /// "SQLite error <code> (<extended name or number>): <message>", then the SQL text if known.
    public var description: String {
        var text = "SQLite error \(code) (\(SQLiteResultCodeName.name(of: extendedCode))): \(message)"
        if let sql { text += " [statement: \(sql)]" }
        return text
    }

    /// A UNIQUE, NOT NULL, CHECK, FOREIGN KEY or other constraint was violated.
    public var isConstraintViolation: Bool { code == SQLITE_CONSTRAINT }
    /// The disk (or the database's size limit) is full: `SQLITE_FULL`.
    public var isFull: Bool { code == SQLITE_FULL }
    /// Another connection held a lock for longer than the busy timeout: `SQLITE_BUSY`.
    public var isBusy: Bool { code == SQLITE_BUSY }
    /// The operating system reported an I/O failure: `SQLITE_IOERR`.
    public var isIOError: Bool { code == SQLITE_IOERR }
    /// The file is damaged or is not a database: `SQLITE_CORRUPT` or `SQLITE_NOTADB`.
    public var isCorrupt: Bool { code == SQLITE_CORRUPT || code == SQLITE_NOTADB }
}

extension SQLiteError {
    /// Captures the connection's current error state right after `resultCode` was returned.
    ///
    /// `sqlite3_errmsg` must be read before the next call on the connection overwrites it.
    static func fromConnection(_ handle: OpaquePointer?, resultCode: Int32, sql: String? = nil) -> SQLiteError {
        let message: String
        if let handle, let text = sqlite3_errmsg(handle) {
            message = String(cString: text)
        } else if let text = sqlite3_errstr(resultCode) {
            message = String(cString: text)
        } else {
            message = "unknown error"
        }
        // With extended result codes enabled `resultCode` is already extended; keep whichever
        // of the two carries more detail.
        var extended = resultCode
        if let handle, extended & ~0xFF == 0 {
            let connectionCode = sqlite3_extended_errcode(handle)
            if connectionCode & 0xFF == resultCode & 0xFF { extended = connectionCode }
        }
        return SQLiteError(extendedCode: extended, message: message, sql: sql)
    }

    /// A failure detected by this layer itself (wrong argument count, misuse), not by SQLite.
    static func misuse(_ message: String, code: Int32 = SQLITE_MISUSE, sql: String? = nil) -> SQLiteError {
        SQLiteError(extendedCode: code, message: message, sql: sql)
    }
}
