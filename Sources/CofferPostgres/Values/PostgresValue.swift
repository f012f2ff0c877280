/// A parameter bound to a statement.
///
/// `bytea`, `int8`, `int4` and `bool` travel in binary format, `text` in text format (the
/// same bytes: UTF-8). Values are never part of an error or a description.
public enum PostgresValue: Sendable, Equatable, CustomStringConvertible, CustomReflectable {
    case null
    case bytea([UInt8])
    case int8(Int64)
    case int4(Int32)
    case text(String)
    case bool(Bool)

    /// The type declared for the parameter in `Parse` (NULL: left to the server).
    var type: PostgresType {
        switch self {
        case .null: return .unspecified
        case .bytea: return .bytea
        case .int8: return .int8
        case .int4: return .int4
        case .text: return .text
        case .bool: return .bool
        }
    }

    var format: PostgresFormat {
        switch self {
        case .null, .text: return .text
        case .bytea, .int8, .int4, .bool: return .binary
        }
    }

    /// The parameter's bytes in its format; nil for NULL.
    var encoded: [UInt8]? {
        switch self {
        case .null: return nil
        case .bytea(let bytes): return bytes
        case .int8(let value):
            let bits = UInt64(bitPattern: value)
            return (0..<8).map { UInt8((bits >> UInt64(56 - 8 * $0)) & 0xFF) }
        case .int4(let value):
            let bits = UInt32(bitPattern: value)
            return (0..<4).map { UInt8((bits >> UInt32(24 - 8 * $0)) & 0xFF) }
        case .text(let text): return Array(text.utf8)
        case .bool(let flag): return [flag ? 1 : 0]
        }
    }

    /// Names the type only: bound values stay out of logs.
    public var description: String { "PostgresValue(\(type), redacted)" }
    public var customMirror: Mirror { Mirror(self, children: [:]) }
}
