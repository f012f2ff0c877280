/// One value of a result row, with its column's type; read it with the accessor for that type.
///
/// Every column comes in binary format: `int2`/`int4`/`int8` as big-endian integers, `bool`
/// as one byte, `bytea` as its bytes, `text`/`varchar`/`bpchar`/`name` as UTF-8.
public struct PostgresCell: Sendable, Equatable {
    public let column: PostgresColumn
    /// The raw bytes; nil for NULL.
    public let bytes: [UInt8]?

    public var isNull: Bool { bytes == nil }

    /// A `bytea` value (nil for NULL).
    public func bytea() throws(PostgresError) -> [UInt8]? {
        guard column.type == .bytea else { throw mismatch("bytea") }
        return bytes
    }

    /// An `int2`, `int4` or `int8` value (nil for NULL).
    public func int64() throws(PostgresError) -> Int64? {
        guard let bytes else { return nil }
        let expected: Int
        switch column.type {
        case .int2: expected = 2
        case .int4, .oidType: expected = 4
        case .int8: expected = 8
        default: throw mismatch("an integer")
        }
        guard bytes.count == expected else { throw .decoding("column \(column.name): \(bytes.count) bytes for \(column.type)") }
        var value: UInt64 = 0
        for byte in bytes { value = value << 8 | UInt64(byte) }
        // Sign-extend the narrower types (oid is unsigned).
        if expected < 8, column.type != .oidType {
            let shift = UInt64(64 - 8 * expected)
            return Int64(bitPattern: value << shift) >> Int64(shift)
        }
        return Int64(bitPattern: value)
    }

    /// A `text`, `varchar`, `bpchar` or `name` value (nil for NULL); invalid UTF-8 is an error.
    public func string() throws(PostgresError) -> String? {
        guard let bytes else { return nil }
        guard [.text, .varchar, .bpchar, .name].contains(column.type) else { throw mismatch("text") }
        guard let text = String(validating: bytes, as: UTF8.self) else { throw .decoding("column \(column.name): invalid UTF-8") }
        return text
    }

    /// A `bool` value (nil for NULL).
    public func bool() throws(PostgresError) -> Bool? {
        guard let bytes else { return nil }
        guard column.type == .bool else { throw mismatch("bool") }
        guard bytes.count == 1, bytes[0] <= 1 else { throw .decoding("column \(column.name): not a boolean") }
        return bytes[0] == 1
    }

    private func mismatch(_ wanted: String) -> PostgresError {
        .decoding("column \(column.name) is \(column.type), not \(wanted)")
    }
}
