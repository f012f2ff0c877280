import Foundation

/// A Swift value that can be bound to a statement parameter.
///
/// Conforming types: `Int`, `Int64`, `Int32`, `String`, `[UInt8]`, `Data`, `Bool` (0 or 1),
/// `SQLiteValue` itself, and `Optional` of any of these (`nil` binds NULL).
public protocol SQLiteBindable {
    /// The value SQLite stores for `self`.
    var sqliteValue: SQLiteValue { get }
}

extension SQLiteValue: SQLiteBindable {
    /// The value itself.
    public var sqliteValue: SQLiteValue { self }
}

extension Int: SQLiteBindable {
    /// `.integer`, widened to 64 bits.
    public var sqliteValue: SQLiteValue { .integer(Int64(self)) }
}

extension Int64: SQLiteBindable {
    /// `.integer`.
    public var sqliteValue: SQLiteValue { .integer(self) }
}

extension Int32: SQLiteBindable {
    /// `.integer`, widened to 64 bits.
    public var sqliteValue: SQLiteValue { .integer(Int64(self)) }
}

extension Bool: SQLiteBindable {
    /// `.integer(1)` for true, `.integer(0)` for false, as SQLite represents booleans.
    public var sqliteValue: SQLiteValue { .integer(self ? 1 : 0) }
}

extension String: SQLiteBindable {
    /// `.text`.
    public var sqliteValue: SQLiteValue { .text(self) }
}

extension Array: SQLiteBindable where Element == UInt8 {
    /// `.blob`.
    public var sqliteValue: SQLiteValue { .blob(self) }
}

extension Data: SQLiteBindable {
    /// `.blob` with a copy of the bytes.
    public var sqliteValue: SQLiteValue { .blob([UInt8](self)) }
}

extension Optional: SQLiteBindable where Wrapped: SQLiteBindable {
    /// The wrapped value's, or `.null` for `nil`.
    public var sqliteValue: SQLiteValue { self?.sqliteValue ?? .null }
}
