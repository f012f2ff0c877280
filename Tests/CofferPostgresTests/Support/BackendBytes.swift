/// Server (backend) messages as bytes, written out by hand from PostgreSQL's "Message
/// Formats", for the fake server and the decoder tests.
enum BackendBytes {
    static func message(_ type: Character, _ body: [UInt8]) -> [UInt8] {
        [type.asciiValue!] + be32(Int32(body.count + 4)) + body
    }

    static func authentication(_ code: Int32, _ extra: [UInt8] = []) -> [UInt8] { message("R", be32(code) + extra) }
    static let authenticationOk = authentication(0)
    static let cleartextPassword = authentication(3)
    static let md5Password = authentication(5, [1, 2, 3, 4])
    static func sasl(_ mechanisms: [String]) -> [UInt8] { authentication(10, mechanisms.flatMap(cString) + [0]) }
    static func saslContinue(_ data: String) -> [UInt8] { authentication(11, Array(data.utf8)) }
    static func saslFinal(_ data: String) -> [UInt8] { authentication(12, Array(data.utf8)) }

    static func parameterStatus(_ name: String, _ value: String) -> [UInt8] { message("S", cString(name) + cString(value)) }
    static let backendKeyData = message("K", be32(4242) + be32(-7))
    static func readyForQuery(_ status: Character = "I") -> [UInt8] { message("Z", [status.asciiValue!]) }
    static let parseComplete = message("1", [])
    static let bindComplete = message("2", [])
    static let noData = message("n", [])
    static let emptyQueryResponse = message("I", [])
    static func commandComplete(_ tag: String) -> [UInt8] { message("C", cString(tag)) }

    /// `RowDescription` with binary columns of the given names and type OIDs.
    static func rowDescription(_ columns: [(String, UInt32)]) -> [UInt8] {
        var body = be16(Int16(columns.count))
        for (name, oid) in columns {
            body += cString(name) + be32(0) + be16(0) + be32(Int32(bitPattern: oid)) + be16(-1) + be32(-1) + be16(1)
        }
        return message("T", body)
    }

    static func dataRow(_ values: [[UInt8]?]) -> [UInt8] {
        var body = be16(Int16(values.count))
        for value in values {
            if let value { body += be32(Int32(value.count)) + value } else { body += be32(-1) }
        }
        return message("D", body)
    }

    /// `ErrorResponse` (or `NoticeResponse` with type `N`) from (field code, text) pairs.
    static func error(_ fields: [(Character, String)], type: Character = "E") -> [UInt8] {
        message(type, fields.flatMap { [$0.0.asciiValue!] + cString($0.1) } + [0])
    }

    static func error(sqlState: String, message text: String, severity: String = "ERROR") -> [UInt8] {
        error([("S", severity), ("V", severity), ("C", sqlState), ("M", text)])
    }

    /// What a server sends after a successful authentication, up to `ReadyForQuery`.
    static let sessionReady = parameterStatus("server_version", "15.0") + parameterStatus("client_encoding", "UTF8")
        + backendKeyData + readyForQuery()
}
