/// The messages the server sends (PostgreSQL protocol 3.0, "Message Formats").
enum PostgresBackendMessage: Equatable {
    case authentication(PostgresAuthenticationRequest)
    case parameterStatus(name: String, value: String)
    case backendKeyData(processID: Int32, secretKey: Int32)
    case readyForQuery(PostgresTransactionStatus)
    case rowDescription([PostgresColumn])
    case dataRow([[UInt8]?])
    case commandComplete(tag: String)
    case emptyQueryResponse
    case parseComplete
    case bindComplete
    case closeComplete
    case noData
    case portalSuspended
    case parameterDescription([PostgresType])
    /// `ErrorResponse`, already reduced to the fields that are safe to keep.
    case errorResponse(PostgresServerError)
    case noticeResponse
    case notificationResponse
    case negotiateProtocolVersion
    /// `CopyInResponse`, `CopyOutResponse` or `CopyBothResponse`: COPY is not supported.
    case copyResponse

    /// Decodes the body of a message of type `type`.
    static func decode(type: UInt8, body: ArraySlice<UInt8>) throws(PostgresError) -> PostgresBackendMessage {
        var reader = PostgresWireReader(body, messageName: name(of: type))
        let message: PostgresBackendMessage
        switch type {
        case UInt8(ascii: "R"): return .authentication(try PostgresAuthenticationRequest.decode(&reader))
        case UInt8(ascii: "S"): message = .parameterStatus(name: try reader.cString(), value: try reader.cString())
        case UInt8(ascii: "K"): message = .backendKeyData(processID: try reader.int32(), secretKey: try reader.int32())
        case UInt8(ascii: "Z"):
            guard let status = PostgresTransactionStatus(rawValue: try reader.int8()) else { throw reader.violation("an unknown transaction status") }
            message = .readyForQuery(status)
        case UInt8(ascii: "T"): message = .rowDescription(try decodeRowDescription(&reader))
        case UInt8(ascii: "D"): message = .dataRow(try decodeDataRow(&reader))
        case UInt8(ascii: "C"): message = .commandComplete(tag: try reader.cString())
        case UInt8(ascii: "I"): message = .emptyQueryResponse
        case UInt8(ascii: "1"): message = .parseComplete
        case UInt8(ascii: "2"): message = .bindComplete
        case UInt8(ascii: "3"): message = .closeComplete
        case UInt8(ascii: "n"): message = .noData
        case UInt8(ascii: "s"): message = .portalSuspended
        case UInt8(ascii: "t"):
            let count = try reader.int16()
            guard count >= 0 else { throw reader.violation("a negative parameter count") }
            var types: [PostgresType] = []
            for _ in 0..<count { types.append(PostgresType(oid: UInt32(bitPattern: try reader.int32()))) }
            message = .parameterDescription(types)
        case UInt8(ascii: "E"): message = .errorResponse(PostgresServerError(fields: try decodeFields(&reader)))
        case UInt8(ascii: "N"): _ = try decodeFields(&reader); message = .noticeResponse
        case UInt8(ascii: "A"): _ = reader.rest(); message = .notificationResponse
        case UInt8(ascii: "v"): _ = reader.rest(); message = .negotiateProtocolVersion
        case UInt8(ascii: "G"), UInt8(ascii: "H"), UInt8(ascii: "W"): _ = reader.rest(); message = .copyResponse
        default: throw .protocolViolation("unknown message type \(printable(type))")
        }
        try reader.expectEnd()
        return message
    }

    private static func decodeRowDescription(_ reader: inout PostgresWireReader) throws(PostgresError) -> [PostgresColumn] {
        let count = try reader.int16()
        guard count >= 0 else { throw reader.violation("a negative column count") }
        var columns: [PostgresColumn] = []
        columns.reserveCapacity(Int(count))
        for _ in 0..<count {
            let name = try reader.cString()
            _ = try reader.int32()   // table OID
            _ = try reader.int16()   // attribute number
            let type = PostgresType(oid: UInt32(bitPattern: try reader.int32()))
            _ = try reader.int16()   // type length
            _ = try reader.int32()   // type modifier
            guard let format = PostgresFormat(rawValue: try reader.int16()) else { throw reader.violation("an unknown format code") }
            columns.append(PostgresColumn(name: name, type: type, format: format))
        }
        return columns
    }

    private static func decodeDataRow(_ reader: inout PostgresWireReader) throws(PostgresError) -> [[UInt8]?] {
        let count = try reader.int16()
        guard count >= 0 else { throw reader.violation("a negative column count") }
        var values: [[UInt8]?] = []
        values.reserveCapacity(Int(count))
        for _ in 0..<count {
            let length = try reader.int32()
            if length == -1 {
                values.append(nil)
            } else {
                values.append(Array(try reader.bytes(Int(length))))
            }
        }
        return values
    }

    /// The (type, text) fields of `ErrorResponse`/`NoticeResponse`, up to the terminating 0.
    private static func decodeFields(_ reader: inout PostgresWireReader) throws(PostgresError) -> [UInt8: String] {
        var fields: [UInt8: String] = [:]
        while true {
            let code = try reader.int8()
            if code == 0 { return fields }
            fields[code] = try reader.cString()
        }
    }

    static func name(of type: UInt8) -> String {
        switch type {
        case UInt8(ascii: "R"): return "Authentication"
        case UInt8(ascii: "S"): return "ParameterStatus"
        case UInt8(ascii: "K"): return "BackendKeyData"
        case UInt8(ascii: "Z"): return "ReadyForQuery"
        case UInt8(ascii: "T"): return "RowDescription"
        case UInt8(ascii: "D"): return "DataRow"
        case UInt8(ascii: "C"): return "CommandComplete"
        case UInt8(ascii: "E"): return "ErrorResponse"
        case UInt8(ascii: "N"): return "NoticeResponse"
        case UInt8(ascii: "t"): return "ParameterDescription"
        default: return "message \(printable(type))"
        }
    }

    private static func printable(_ type: UInt8) -> String {
        (0x21...0x7E).contains(type) ? "'\(Character(Unicode.Scalar(type)))'" : "0x" + String(type, radix: 16)
    }

    /// A short name for error texts (never the contents).
    var summary: String {
        switch self {
        case .authentication(let request): return "Authentication (\(request.methodName))"
        case .parameterStatus: return "ParameterStatus"
        case .backendKeyData: return "BackendKeyData"
        case .readyForQuery: return "ReadyForQuery"
        case .rowDescription: return "RowDescription"
        case .dataRow: return "DataRow"
        case .commandComplete: return "CommandComplete"
        case .emptyQueryResponse: return "EmptyQueryResponse"
        case .parseComplete: return "ParseComplete"
        case .bindComplete: return "BindComplete"
        case .closeComplete: return "CloseComplete"
        case .noData: return "NoData"
        case .portalSuspended: return "PortalSuspended"
        case .parameterDescription: return "ParameterDescription"
        case .errorResponse: return "ErrorResponse"
        case .noticeResponse: return "NoticeResponse"
        case .notificationResponse: return "NotificationResponse"
        case .negotiateProtocolVersion: return "NegotiateProtocolVersion"
        case .copyResponse: return "Copy*Response"
        }
    }
}

/// The transaction status that `ReadyForQuery` reports.
public enum PostgresTransactionStatus: UInt8, Sendable {
    /// Not in a transaction block.
    case idle = 0x49         // 'I'
    /// In a transaction block.
    case inTransaction = 0x54 // 'T'
    /// In a failed transaction block: every statement fails until the block ends.
    case failed = 0x45       // 'E'
}
