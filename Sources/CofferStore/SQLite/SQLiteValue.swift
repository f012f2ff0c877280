/// A value to bind to a statement parameter or read from a result column.
///
/// SQLite's REAL storage class has no case here: Coffer stores no floating-point data. A REAL
/// read from a column arrives as `.text` in SQLite's own rendering (see `Statement.value(at:)`).
///
/// `description` is redacted (kind and size only), so a value printed by accident into a log
/// line or an assertion message does not disclose stored data.
public enum SQLiteValue: Sendable, Equatable {
    /// SQL NULL.
    case null
    /// A 64-bit signed integer.
    case integer(Int64)
    /// UTF-8 text; the empty string is a value, distinct from `.null`.
    case text(String)
    /// Raw bytes; the empty blob is a value, distinct from `.null`.
    case blob([UInt8])
}

extension SQLiteValue: CustomStringConvertible, CustomDebugStringConvertible, CustomReflectable {
    /// Kind and size only, never the content.
    public var description: String {
        switch self {
        case .null: return "NULL"
        case .integer: return "INTEGER(redacted)"
        case .text(let string): return "TEXT(\(string.utf8.count) bytes, redacted)"
        case .blob(let bytes): return "BLOB(\(bytes.count) bytes, redacted)"
        }
    }

    /// Same as `description`: debug output must not disclose content either.
    public var debugDescription: String { description }

    /// No children, so `dump` and the debugger print only the redacted description.
    public var customMirror: Mirror { Mirror(self, children: [:]) }
}
