/// The fields of an `ErrorResponse` (or `NoticeResponse`) that are safe to keep.
///
/// PostgreSQL's `DETAIL` often quotes the row or key that caused the error
/// (`Key (digest)=(\x…) already exists`), `WHERE` can show parameter values, `HINT` and the
/// internal query can too. They are dropped when the message is parsed, so they cannot reach a
/// log line. What is kept: severity, SQLSTATE, the primary message, and the names of the
/// schema, table, column, data type and constraint. In the one class whose primary messages
/// quote the offending input — class 22, data exceptions (`invalid input syntax for type
/// bigint: "…"`) — every double-quoted part of the message is replaced with `"…"`.
public struct PostgresServerError: Sendable, Equatable, CustomStringConvertible {
    /// `ERROR`, `FATAL` or `PANIC` (the non-localized `V` field when present).
    public let severity: String
    /// The five-character SQLSTATE (`23505` for a unique violation).
    public let sqlState: String
    /// The primary message, redacted as described above.
    public let message: String
    public let schemaName: String?
    public let tableName: String?
    public let columnName: String?
    public let dataTypeName: String?
    public let constraintName: String?

    /// Builds the error from the raw fields (type byte → text), dropping the unsafe ones.
    init(fields: [UInt8: String]) {
        severity = fields[UInt8(ascii: "V")] ?? fields[UInt8(ascii: "S")] ?? "ERROR"
        let code = fields[UInt8(ascii: "C")] ?? ""
        sqlState = code.utf8.count == 5 && code.utf8.allSatisfy({ ($0 >= 0x30 && $0 <= 0x39) || ($0 >= 0x41 && $0 <= 0x5A) }) ? code : "XX000"
        let primary = fields[UInt8(ascii: "M")] ?? "no message"
        message = sqlState.hasPrefix("22") ? Self.redactingQuotes(primary) : primary
        schemaName = fields[UInt8(ascii: "s")]
        tableName = fields[UInt8(ascii: "t")]
        columnName = fields[UInt8(ascii: "c")]
        dataTypeName = fields[UInt8(ascii: "d")]
        constraintName = fields[UInt8(ascii: "n")]
    }

    /// Creates an error directly (for tests and callers that synthesise one).
    public init(severity: String, sqlState: String, message: String) {
        self.init(fields: [UInt8(ascii: "V"): severity, UInt8(ascii: "C"): sqlState, UInt8(ascii: "M"): message])
    }

    /// `ERROR 23505: duplicate key value violates unique constraint "…"`.
    public var description: String { "\(severity) \(sqlState): \(message)" }

    /// The SQLSTATE class (its first two characters): `23` integrity constraint violation,
    /// `28` invalid authorization, `40` transaction rollback, `53` insufficient resources, `57` operator intervention...
    public var sqlStateClass: String { String(sqlState.prefix(2)) }

    /// Replaces the contents of every double-quoted span with `…`; an unclosed quote hides the rest.
    static func redactingQuotes(_ text: String) -> String {
        var result = ""
        var inside = false
        for character in text {
            if character == "\"" {
                if !inside { result.append("\"…\"") }
                inside.toggle()
            } else if !inside {
                result.append(character)
            }
        }
        return result
    }
}
