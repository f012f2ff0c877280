import XCTest
@testable import CofferPostgres

final class PostgresServerErrorTests: XCTestCase {
    private func decode(_ bytes: [UInt8]) throws -> PostgresBackendMessage? {
        var decoder = PostgresMessageDecoder(maximumMessageBytes: 1 << 16)
        decoder.append(bytes)
        return try decoder.next()
    }

    /// A unique violation as PostgreSQL 15 sends it: the key's value is in DETAIL, which is dropped.
    func testAUniqueViolationKeepsItsSQLStateAndNamesButNotTheKey() throws {
        let bytes = BackendBytes.error([
            ("S", "ERROR"), ("V", "ERROR"), ("C", "23505"),
            ("M", "duplicate key value violates unique constraint \"subjects_lookup_key\""),
            ("D", "Key (lookup)=(\\x6a6f686e) already exists."), ("H", "a hint with 'john'"),
            ("W", "unnamed portal parameter $1 = '...john...'"), ("q", "internal query john"),
            ("s", "public"), ("t", "subjects"), ("n", "subjects_lookup_key"),
            ("F", "nbtinsert.c"), ("L", "666"), ("R", "_bt_check_unique"),
        ])
        guard case .errorResponse(let error)? = try decode(bytes) else { return XCTFail("not an error") }
        XCTAssertEqual(error.severity, "ERROR")
        XCTAssertEqual(error.sqlState, "23505")
        XCTAssertEqual(error.sqlStateClass, "23")
        XCTAssertEqual(error.message, "duplicate key value violates unique constraint \"subjects_lookup_key\"")
        XCTAssertEqual(error.schemaName, "public")
        XCTAssertEqual(error.tableName, "subjects")
        XCTAssertEqual(error.constraintName, "subjects_lookup_key")
        XCTAssertNil(error.columnName)
        let text = "\(error) \(PostgresError.server(error)) \(String(reflecting: error))"
        for secret in ["6a6f686e", "john", "hint", "nbtinsert"] {
            XCTAssertFalse(text.contains(secret), "\(secret) leaked: \(text)")
        }
        XCTAssertEqual(PostgresError.server(error).sqlState, "23505")
    }

    /// Data exceptions quote the offending input in the primary message itself.
    func testDataExceptionMessagesLoseTheirQuotedInput() throws {
        let bytes = BackendBytes.error(sqlState: "22P02", message: "invalid input syntax for type bigint: \"alice@example.com\"")
        guard case .errorResponse(let error)? = try decode(bytes) else { return XCTFail("not an error") }
        XCTAssertEqual(error.message, "invalid input syntax for type bigint: \"…\"")
        XCTAssertEqual(PostgresServerError.redactingQuotes("a \"b\" c \"d"), "a \"…\" c \"…\"")
    }

    func testLocalizedSeverityFallsBackAndABadSQLStateBecomesXX000() throws {
        guard case .errorResponse(let error)? = try decode(BackendBytes.error([("S", "FEHLER"), ("C", "2350"), ("M", "m")])) else {
            return XCTFail("not an error")
        }
        XCTAssertEqual(error.severity, "FEHLER")
        XCTAssertEqual(error.sqlState, "XX000")
    }

    func testNoticesAreReadAndDropped() throws {
        XCTAssertEqual(try decode(BackendBytes.error([("S", "NOTICE"), ("M", "relation exists, skipping")], type: "N")), .noticeResponse)
    }

    func testAnUnterminatedFieldListIsAProtocolViolation() {
        XCTAssertThrowsError(try decode(BackendBytes.message("E", [UInt8(ascii: "C")] + Array("23505".utf8) + [0])))
    }

    func testBoundValuesNeverAppearInDescriptions() {
        let value = PostgresValue.text("alice@example.com")
        XCTAssertFalse("\(value)".contains("alice"))
        XCTAssertFalse(String(reflecting: PostgresValue.bytea(Array("secret".utf8))).contains("115"))
        XCTAssertFalse("\(PostgresStatement("SELECT $1", [value]))".contains("alice"))
    }
}

final class PostgresErrorClassificationTests: XCTestCase {
    func testWhatCountsAsUnavailability() {
        let unavailable: [PostgresError] = [
            .connect(host: "h", port: 1, reason: "refused"), .timeout(operation: "read"), .connectionClosed(midMessage: false),
            .io("reset"), .unavailable(reason: "down"), .poolTimeout, .tlsHandshake("reset"),
            .server(PostgresServerError(severity: "FATAL", sqlState: "57P01", message: "terminating connection due to administrator command")),
            .server(PostgresServerError(severity: "FATAL", sqlState: "57P03", message: "the database system is starting up")),
            .server(PostgresServerError(severity: "FATAL", sqlState: "53300", message: "too many connections")),
            .server(PostgresServerError(severity: "ERROR", sqlState: "08006", message: "connection failure")),
        ]
        let notUnavailable: [PostgresError] = [
            .server(PostgresServerError(severity: "ERROR", sqlState: "23505", message: "duplicate key")),
            .server(PostgresServerError(severity: "ERROR", sqlState: "57014", message: "canceling statement due to user request")),
            .authenticationRejected(PostgresServerError(severity: "FATAL", sqlState: "28P01", message: "password authentication failed")),
            .certificateVerification("mismatch"), .tlsNotOffered(host: "h", port: 1), .authenticationMethodRefused("MD5 password"),
            .invalidRequest("NUL"), .decoding("type"), .poolClosed, .protocolViolation("x"), .invalidConfiguration("x"),
        ]
        for error in unavailable { XCTAssertTrue(error.isUnavailability, "\(error)") }
        for error in notUnavailable { XCTAssertFalse(error.isUnavailability, "\(error)") }
    }
}
