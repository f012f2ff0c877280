import CCofferShims
import CSQLite

/// A prepared statement. Owns its `sqlite3_stmt*` and finalizes it in `deinit`.
///
/// Not thread-safe, like the `Database` it came from: use it only while holding whatever
/// serializes access to that connection. Get one from `Database.prepare(_:)` or
/// `Database.cachedStatement(_:)`; a cached statement must be finished or `reset()` before
/// the connection can release the read lock it holds (the convenience methods do this).
public final class Statement {
    /// The `sqlite3_stmt*`, valid until `deinit`.
    let handle: OpaquePointer
    /// The SQL text as written, with placeholders; used in error text (never with bound values).
    public let sql: String

    init(handle: OpaquePointer, sql: String) {
        self.handle = handle
        self.sql = sql
    }

    deinit {
        sqlite3_finalize(handle)
    }

    /// The owning connection, for reading its error message. `sqlite3_close_v2` keeps the
    /// connection alive until every statement is finalized, so this is always valid.
    private var connection: OpaquePointer? { sqlite3_db_handle(handle) }

    // MARK: Binding

    /// The number of `?` parameters in the statement.
    public var parameterCount: Int32 { sqlite3_bind_parameter_count(handle) }

    /// Resets the statement, clears previous bindings and binds `arguments` to parameters 1...n.
    /// Throws `SQLITE_RANGE` when the count differs from `parameterCount`; `nil` binds NULL.
    public func bind(_ arguments: [(any SQLiteBindable)?]) throws(SQLiteError) {
        reset()
        let expected = Int(parameterCount)
        guard arguments.count == expected else {
            throw SQLiteError.misuse(
                "wrong number of arguments: the statement has \(expected) parameters, \(arguments.count) given",
                code: SQLITE_RANGE, sql: sql)
        }
        for (offset, argument) in arguments.enumerated() {
            try bind(argument, at: Int32(offset + 1))
        }
    }

    /// Binds one value to parameter `index` (1-based); `nil` binds NULL. SQLite copies the bytes.
    public func bind(_ value: (any SQLiteBindable)?, at index: Int32) throws(SQLiteError) {
        switch value?.sqliteValue ?? .null {
        case .null:
            try check(sqlite3_bind_null(handle, index))
        case .integer(let integer):
            try check(sqlite3_bind_int64(handle, index, integer))
        case .text(let string):
            try bindText(string, at: index)
        case .blob(let bytes):
            // withUnsafeBytes only rethrows untyped errors: carry the typed one out in a Result.
            try bytes.withUnsafeBytes { raw in
                Result { () throws(SQLiteError) in try bindBlob(raw, at: index) }
            }.get()
        }
    }

    /// Binds bytes straight from a buffer, for callers that hold them outside an `Array`
    /// (SQLite copies them; nothing here retains the pointer). An empty buffer binds an empty
    /// blob, never NULL.
    public func bindBlob(_ bytes: UnsafeRawBufferPointer, at index: Int32) throws(SQLiteError) {
        guard bytes.count <= Int(Int32.max) else {
            throw SQLiteError.misuse("blob too big to bind (\(bytes.count) bytes)", code: SQLITE_TOOBIG, sql: sql)
        }
        // sqlite3_bind_blob with a NULL pointer binds NULL, and an empty buffer may have no
        // base address: bind a zero-length blob explicitly instead.
        guard let base = bytes.baseAddress, bytes.count > 0 else {
            try check(sqlite3_bind_zeroblob(handle, index, 0))
            return
        }
        try check(coffer_sqlite3_bind_blob(handle, index, base, Int32(bytes.count)))
    }

    private func bindText(_ string: String, at index: Int32) throws(SQLiteError) {
        var string = string
        let count = string.utf8.count
        guard count <= Int(Int32.max) else {
            throw SQLiteError.misuse("text too big to bind (\(count) bytes)", code: SQLITE_TOOBIG, sql: sql)
        }
        let resultCode = string.withUTF8 { utf8 -> Int32 in
            // A NULL pointer would bind NULL; "" must stay an empty string.
            guard let base = utf8.baseAddress, utf8.count > 0 else {
                return coffer_sqlite3_bind_text(handle, index, "", 0)
            }
            // Explicit length: embedded NUL bytes are kept, nothing relies on a terminator.
            return base.withMemoryRebound(to: CChar.self, capacity: utf8.count) {
                coffer_sqlite3_bind_text(handle, index, $0, Int32(utf8.count))
            }
        }
        try check(resultCode)
    }

    private func check(_ resultCode: Int32) throws(SQLiteError) {
        guard resultCode == SQLITE_OK else {
            throw SQLiteError.fromConnection(connection, resultCode: resultCode, sql: sql)
        }
    }

    // MARK: Stepping

    /// Steps once: true if a row is available, false when the statement is done.
    /// On failure the statement is reset (keeping its bindings) so it holds no lock, and the
    /// error is thrown.
    public func step() throws(SQLiteError) -> Bool {
        let resultCode = sqlite3_step(handle)
        switch resultCode {
        case SQLITE_ROW:
            return true
        case SQLITE_DONE:
            return false
        default:
            // Read the message before sqlite3_reset touches the connection's error state.
            let error = SQLiteError.fromConnection(connection, resultCode: resultCode, sql: sql)
            sqlite3_reset(handle)
            throw error
        }
    }

    /// Steps until done, discarding any rows (for INSERT/UPDATE/DELETE/DDL).
    public func runToCompletion() throws(SQLiteError) {
        while try step() {}
    }

    /// Resets the statement to its start and clears all bindings to NULL, so that SQLite drops
    /// its copies of the bound values and the statement holds no read lock.
    public func reset() {
        sqlite3_reset(handle)
        sqlite3_clear_bindings(handle)
    }

    // MARK: Reading the current row

    /// The number of result columns (0 for statements that return no data).
    public var columnCount: Int32 { sqlite3_column_count(handle) }

    /// The name SQLite gives result column `column` (0-based).
    public func columnName(at column: Int32) -> String? {
        sqlite3_column_name(handle, column).map { String(cString: $0) }
    }

    /// True if column `column` of the current row is NULL.
    public func isNull(at column: Int32) -> Bool {
        sqlite3_column_type(handle, column) == SQLITE_NULL
    }

    /// The column as a 64-bit integer (SQLite's conversion rules; NULL reads as 0).
    public func int64(at column: Int32) -> Int64 {
        sqlite3_column_int64(handle, column)
    }

    /// The column as UTF-8 text, or nil for NULL. An empty string reads as "".
    public func text(at column: Int32) -> String? {
        guard !isNull(at: column) else { return nil }
        // Per the SQLite docs: call column_text first, then column_bytes for its length.
        let pointer = sqlite3_column_text(handle, column)
        let count = Int(sqlite3_column_bytes(handle, column))
        guard let pointer, count > 0 else { return "" }
        return String(decoding: UnsafeBufferPointer(start: pointer, count: count), as: UTF8.self)
    }

    /// A copy of the column's bytes, or nil for NULL. A zero-length blob reads as [], although
    /// `sqlite3_column_blob` returns NULL for it.
    public func blob(at column: Int32) -> [UInt8]? {
        guard !isNull(at: column) else { return nil }
        let pointer = sqlite3_column_blob(handle, column)
        let count = Int(sqlite3_column_bytes(handle, column))
        guard let pointer, count > 0 else { return [] }
        return [UInt8](UnsafeRawBufferPointer(start: pointer, count: count))
    }

    /// The column as a value of its storage class. REAL, which Coffer never stores, arrives as
    /// `.text` in SQLite's rendering so that nothing is silently truncated.
    public func value(at column: Int32) -> SQLiteValue {
        switch sqlite3_column_type(handle, column) {
        case SQLITE_NULL: return .null
        case SQLITE_INTEGER: return .integer(int64(at: column))
        case SQLITE_BLOB: return .blob(blob(at: column) ?? [])
        default: return .text(text(at: column) ?? "")
        }
    }

    /// The current row, copied out of SQLite.
    public func row() -> Row {
        Row(values: (0..<columnCount).map { value(at: $0) })
    }
}
