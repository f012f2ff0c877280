/// A materialized result row: the column values by index, copied out of SQLite.
///
/// The typed accessors are strict: each returns nil for NULL and for a value of another kind
/// (no silent text-to-integer conversion), so a schema mistake shows up as nil, not as garbage.
public struct Row: Sendable, Equatable {
    /// The column values in result order.
    public let values: [SQLiteValue]

    /// Creates a row from column values.
    public init(values: [SQLiteValue]) {
        self.values = values
    }

    /// The number of columns.
    public var count: Int { values.count }

    /// The value of column `index` (0-based). Precondition: `index < count`.
    public subscript(_ index: Int) -> SQLiteValue { values[index] }

    /// The integer in column `i`, or nil if it is NULL or not an integer.
    public func int64(_ i: Int) -> Int64? {
        if case .integer(let value) = values[i] { return value }
        return nil
    }

    /// The text in column `i`, or nil if it is NULL or not text. An empty string stays "".
    public func text(_ i: Int) -> String? {
        if case .text(let value) = values[i] { return value }
        return nil
    }

    /// The bytes in column `i`, or nil if it is NULL or not a blob. An empty blob stays [].
    public func blob(_ i: Int) -> [UInt8]? {
        if case .blob(let value) = values[i] { return value }
        return nil
    }
}

extension Row: CustomStringConvertible, CustomDebugStringConvertible, CustomReflectable {
    /// The redacted descriptions of the values (kinds and sizes, no content).
    public var description: String { "Row(\(values.map(\.description).joined(separator: ", ")))" }

    /// Same as `description`.
    public var debugDescription: String { description }

    /// No children, so `dump` prints only the redacted description.
    public var customMirror: Mirror { Mirror(self, children: [:]) }
}
