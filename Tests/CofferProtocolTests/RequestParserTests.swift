import CofferProtocol
import XCTest

/// Whole request lines: blank handling and the contract's error precedence across lexing
/// and parsing.
final class RequestParserTests: XCTestCase {
    func testBlankLinesYieldNoCommand() throws {
        for line in ["", "   ", "\r", "  \r"] {
            XCTAssertNil(try RequestParser.parse(line: bytes(line)))
        }
    }

    func testParsesALineWithTrailingCarriageReturn() throws {
        XCTAssertEqual(try RequestParser.parse(line: bytes("PING\r")), .ping)
    }

    func testParsesStringArguments() throws {
        let line = #"set "bob@example.org" phone "+1 555\u00e9" note "a\"b""#
        XCTAssertEqual(
            try RequestParser.parse(line: bytes(line)),
            .set(subject: "bob@example.org", pairs: [
                FieldValue(field: "phone", value: "+1 555é"), FieldValue(field: "note", value: "a\"b"),
            ]))
    }

    func testStringAndAtomArgumentsAreEquivalent() throws {
        XCTAssertEqual(try RequestParser.parse(line: bytes("GET bob phone")), try RequestParser.parse(line: bytes(#"GET "bob" "phone""#)))
    }

    func testLexingErrorWinsOverUnknownCommand() {
        XCTAssertEqual(errorCode("NOPE \"unterminated"), .syntax)
        XCTAssertEqual(errorCode(bytes("NOPE x") + [0xFF]), .syntax)
        XCTAssertEqual(errorCode("NOPE a\"b\""), .syntax)
    }

    func testLexingErrorWinsOverWrongArgumentCount() {
        XCTAssertEqual(errorCode("PING \"x"), .syntax)
        XCTAssertEqual(errorMessage("PING \"x"), "unterminated string")
    }

    func testUnknownCommandWinsOverWrongArgumentCount() {
        XCTAssertEqual(errorCode("NOPE a b c d"), .unknownCommand)
        XCTAssertEqual(errorCode("TENANT FOO a b c d"), .unknownCommand)
    }

    func testWrongArgumentCountIsSyntax() {
        XCTAssertEqual(errorCode("GET onlyone"), .syntax)
        XCTAssertEqual(errorMessage("GET onlyone"), "wrong number of arguments for GET")
    }

    func testKnownVerbWithoutSubVerbIsSyntaxEvenWithTrailingSpaces() {
        XCTAssertEqual(errorCode("TENANT   \r"), .syntax)
    }

    func testStringWithNulEscapeReachesTheServerForValidation() throws {
        XCTAssertEqual(try RequestParser.parse(line: bytes(#"SUBJECT ADD "a\u0000b""#)), .subjectAdd("a\u{0}b"))
    }

    func testAcceptsArraySlice() throws {
        let buffer = bytes("PING\nHELLO\n")
        XCTAssertEqual(try RequestParser.parse(line: buffer[5..<10]), .hello)
    }

    // MARK: Helpers

    private func errorCode(_ line: String) -> ErrorCode? {
        errorCode(bytes(line))
    }

    private func errorCode(_ line: [UInt8]) -> ErrorCode? {
        if case .failure(let error) = parse(line) {
            return error.code
        }
        return nil
    }

    private func errorMessage(_ line: String) -> String? {
        if case .failure(let error) = parse(line) {
            return error.message
        }
        return nil
    }
}
