/// The messages this client sends (PostgreSQL protocol 3.0, "Message Formats").
enum PostgresFrontendMessage: Equatable {
    /// `SSLRequest`: asks the server to start TLS; it answers one byte, `S` or `N`.
    case sslRequest
    /// `StartupMessage` for protocol 3.0 with the given parameters (`user`, `database`, ...).
    case startup(parameters: [(String, String)])
    /// `SASLInitialResponse`: the mechanism chosen and the client-first message.
    case saslInitialResponse(mechanism: String, data: [UInt8])
    /// `SASLResponse`: the client-final message.
    case saslResponse(data: [UInt8])
    /// `Parse`: prepares `sql` as statement `name` ("" is the unnamed one), with parameter types.
    case parse(name: String, sql: String, parameterTypes: [PostgresType])
    /// `Bind`: binds `values` to statement `statement` as portal `portal`; every result column
    /// is requested in binary.
    case bind(portal: String, statement: String, values: [PostgresValue])
    /// `Describe` of a portal (`P`) or statement (`S`).
    case describe(kind: DescribeTarget, name: String)
    /// `Execute` of `portal` with no row limit.
    case execute(portal: String)
    /// `Sync`: ends a pipeline; the server answers `ReadyForQuery`.
    case sync
    /// `Terminate`: ends the session.
    case terminate

    enum DescribeTarget: UInt8 {
        case portal = 0x50     // 'P'
        case statement = 0x53  // 'S'
    }

    /// The code of `SSLRequest` (1234 << 16 | 5679) and protocol 3.0 (3 << 16).
    static let sslRequestCode: Int32 = 80_877_103
    static let protocolVersion3: Int32 = 196_608

    /// Appends the encoded message to `writer`.
    func encode(into writer: inout PostgresWireWriter) throws(PostgresError) {
        switch self {
        case .sslRequest:
            writer.int32(8)
            writer.int32(Self.sslRequestCode)
        case .startup(let parameters):
            let start = writer.beginMessage(type: nil)
            writer.int32(Self.protocolVersion3)
            for (name, value) in parameters {
                try writer.cString(name, field: "a startup parameter name")
                try writer.cString(value, field: "the startup parameter \(name)")
            }
            writer.int8(0)
            try writer.endMessage(lengthOffset: start)
        case .saslInitialResponse(let mechanism, let data):
            let start = writer.beginMessage(type: UInt8(ascii: "p"))
            try writer.cString(mechanism, field: "the SASL mechanism")
            writer.int32(Int32(data.count))
            writer.raw(data)
            try writer.endMessage(lengthOffset: start)
        case .saslResponse(let data):
            let start = writer.beginMessage(type: UInt8(ascii: "p"))
            writer.raw(data)
            try writer.endMessage(lengthOffset: start)
        case .parse(let name, let sql, let types):
            guard types.count <= Int(Int16.max) else { throw .invalidRequest("more than \(Int16.max) parameters") }
            let start = writer.beginMessage(type: UInt8(ascii: "P"))
            try writer.cString(name, field: "the statement name")
            try writer.cString(sql, field: "the SQL text")
            writer.int16(Int16(types.count))
            for type in types { writer.int32(Int32(bitPattern: type.oid)) }
            try writer.endMessage(lengthOffset: start)
        case .bind(let portal, let statement, let values):
            guard values.count <= Int(Int16.max) else { throw .invalidRequest("more than \(Int16.max) parameters") }
            let start = writer.beginMessage(type: UInt8(ascii: "B"))
            try writer.cString(portal, field: "the portal name")
            try writer.cString(statement, field: "the statement name")
            writer.int16(Int16(values.count))
            for value in values { writer.int16(value.format.rawValue) }
            writer.int16(Int16(values.count))
            for value in values {
                guard let encoded = value.encoded else {
                    writer.int32(-1)
                    continue
                }
                guard encoded.count <= Int(Int32.max) else { throw .invalidRequest("a parameter is longer than 2 GiB") }
                writer.int32(Int32(encoded.count))
                writer.raw(encoded)
            }
            writer.int16(1)
            writer.int16(PostgresFormat.binary.rawValue)
            try writer.endMessage(lengthOffset: start)
        case .describe(let kind, let name):
            let start = writer.beginMessage(type: UInt8(ascii: "D"))
            writer.int8(kind.rawValue)
            try writer.cString(name, field: "the name to describe")
            try writer.endMessage(lengthOffset: start)
        case .execute(let portal):
            let start = writer.beginMessage(type: UInt8(ascii: "E"))
            try writer.cString(portal, field: "the portal name")
            writer.int32(0)
            try writer.endMessage(lengthOffset: start)
        case .sync:
            try Self.empty(UInt8(ascii: "S"), into: &writer)
        case .terminate:
            try Self.empty(UInt8(ascii: "X"), into: &writer)
        }
    }

    private static func empty(_ type: UInt8, into writer: inout PostgresWireWriter) throws(PostgresError) {
        let start = writer.beginMessage(type: type)
        try writer.endMessage(lengthOffset: start)
    }

    /// The encoding of several messages, back to back (one write for a whole pipeline).
    static func encode(_ messages: [PostgresFrontendMessage]) throws(PostgresError) -> [UInt8] {
        var writer = PostgresWireWriter()
        for message in messages { try message.encode(into: &writer) }
        return writer.bytes
    }

    static func == (lhs: PostgresFrontendMessage, rhs: PostgresFrontendMessage) -> Bool {
        // Encoding is deterministic, so equal encodings mean equal messages.
        (try? encode([lhs])) == (try? encode([rhs]))
    }
}
