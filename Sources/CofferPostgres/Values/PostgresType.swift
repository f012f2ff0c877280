/// A PostgreSQL type, by its OID (`pg_type.oid`); only the built-in ones this client binds
/// or decodes have names here.
public struct PostgresType: Sendable, Hashable, CustomStringConvertible {
    public let oid: UInt32

    public init(oid: UInt32) { self.oid = oid }

    /// Lets the server infer the type (used for NULL parameters).
    public static let unspecified = PostgresType(oid: 0)
    public static let bool = PostgresType(oid: 16)
    public static let bytea = PostgresType(oid: 17)
    public static let name = PostgresType(oid: 19)
    public static let int8 = PostgresType(oid: 20)
    public static let int2 = PostgresType(oid: 21)
    public static let int4 = PostgresType(oid: 23)
    public static let text = PostgresType(oid: 25)
    public static let oidType = PostgresType(oid: 26)
    public static let bpchar = PostgresType(oid: 1042)
    public static let varchar = PostgresType(oid: 1043)

    public var description: String {
        switch self {
        case .unspecified: return "unspecified"
        case .bool: return "bool"
        case .bytea: return "bytea"
        case .name: return "name"
        case .int8: return "int8"
        case .int2: return "int2"
        case .int4: return "int4"
        case .text: return "text"
        case .oidType: return "oid"
        case .bpchar: return "bpchar"
        case .varchar: return "varchar"
        default: return "type \(oid)"
        }
    }
}

/// The format of a parameter or column on the wire.
enum PostgresFormat: Int16 {
    case text = 0
    case binary = 1
}
