import CofferProtocol
import XCTest

/// Reply lines on the wire (CONTRACT.md §3).
final class ReplyTests: XCTestCase {
    func testOkIsTwoLettersAndLF() {
        XCTAssertEqual(text(Reply.ok), "OK\n")
    }

    func testOkValueCarriesCompactJSON() {
        XCTAssertEqual(text(.okValue("PONG")), "OK \"PONG\"\n")
        XCTAssertEqual(
            text(.okValue(["server": "coffer", "version": "0.1.0", "protocol": 1])),
            "OK {\"server\":\"coffer\",\"version\":\"0.1.0\",\"protocol\":1}\n")
        XCTAssertEqual(text(.okValue(["role": "anonymous"])), "OK {\"role\":\"anonymous\"}\n")
    }

    func testErrorCarriesCodeAndMessage() {
        XCTAssertEqual(text(.error(.notFound, "no such subject")), "ERR NOT_FOUND no such subject\n")
    }

    func testErrorFromProtocolError() {
        let error = ProtocolError(code: .syntax, message: "unterminated string")
        XCTAssertEqual(Reply(error), .error(.syntax, "unterminated string"))
        XCTAssertEqual(text(Reply(error)), "ERR SYNTAX unterminated string\n")
    }

    func testErrorCodesHaveTheContractSpelling() {
        let spellings = ErrorCode.allCases.map(\.rawValue)
        XCTAssertEqual(spellings, [
            "SYNTAX", "TOO_LONG", "UNKNOWN_COMMAND", "AUTH_REQUIRED", "AUTH_FAILED", "FORBIDDEN",
            "NOT_FOUND", "EXISTS", "INVALID", "BUSY", "INTERNAL",
        ])
    }

    func testLineBreaksAndControlsInErrorMessageBecomeSpaces() {
        XCTAssertEqual(text(.error(.internal, "a\r\nb\tc\u{0}d\u{7F}e")), "ERR INTERNAL a  b c d e\n")
    }

    func testUnicodeLineBreaksInErrorMessageBecomeSpaces() {
        XCTAssertEqual(text(.error(.internal, "a\u{85}b\u{2028}c\u{2029}d")), "ERR INTERNAL a b c d\n")
    }

    func testBidirectionalControlsInErrorMessageBecomeSpaces() {
        XCTAssertEqual(text(.error(.internal, "a\u{202E}b\u{2066}c\u{2069}d\u{200F}e\u{061C}f")), "ERR INTERNAL a b c d e f\n")
    }

    func testNonASCIIErrorMessagePassesAsUTF8() {
        XCTAssertEqual(text(.error(.invalid, "clé invalide")), "ERR INVALID clé invalide\n")
    }

    func testEmptyErrorMessageIsReplacedByTheDefault() {
        XCTAssertEqual(text(.error(.forbidden, "")), "ERR FORBIDDEN not allowed\n")
    }

    func testErrorMessageOfOnlyLineBreaksIsReplacedByTheDefault() {
        XCTAssertEqual(text(.error(.syntax, "\r\n \t")), "ERR SYNTAX malformed request\n")
    }

    func testErrorMessageIsTrimmedOfOuterSpaces() {
        XCTAssertEqual(text(.error(.busy, "\n busy \r")), "ERR BUSY busy\n")
    }

    func testEveryCodeHasANonEmptyDefaultMessage() {
        for code in ErrorCode.allCases {
            let wire = text(.error(code, ""))
            XCTAssertTrue(wire.hasPrefix("ERR \(code.rawValue) "))
            XCTAssertGreaterThan(wire.count, "ERR \(code.rawValue) \n".count, code.rawValue)
        }
    }

    func testValueWithLineBreaksStaysOnOneLine() {
        let wire = Reply.okValue(["note": "line1\r\nline2\n", "list": ["\r"]]).wire
        assertSingleLine(wire)
        XCTAssertEqual(String(decoding: wire, as: UTF8.self), "OK {\"note\":\"line1\\r\\nline2\\n\",\"list\":[\"\\r\"]}\n")
    }

    func testNoReplyEverContainsCROrEarlyLF() {
        var random = SplitMix64(seed: 99)
        let alphabet: [Character] = ["\r", "\n", "\t", "\u{0}", "\u{85}", "\u{2028}", "a", " ", "é", "😀", "\"", "\\"]
        for _ in 0..<1_000 {
            let message = String((0..<Int.random(in: 0...12, using: &random)).map { _ in alphabet.randomElement(using: &random)! })
            let code = ErrorCode.allCases.randomElement(using: &random)!
            assertSingleLine(Reply.error(code, message).wire)
            assertSingleLine(Reply.okValue(.string(message)).wire)
            assertSingleLine(Reply.okValue([message: [.string(message)]]).wire)
        }
    }

    // MARK: Helpers

    private func text(_ reply: Reply) -> String {
        String(decoding: reply.wire, as: UTF8.self)
    }

    private func assertSingleLine(_ wire: [UInt8], file: StaticString = #filePath, line: UInt = #line) {
        XCTAssertEqual(wire.last, 0x0A, file: file, line: line)
        XCTAssertFalse(wire.contains(0x0D), "CR in reply", file: file, line: line)
        XCTAssertFalse(wire.dropLast().contains(0x0A), "LF before the end", file: file, line: line)
        XCTAssertFalse(wire.contains { $0 < 0x20 && $0 != 0x0A }, "control byte in reply", file: file, line: line)
    }
}
