import CofferProtocol
import XCTest

/// Token splitting, blank lines, the trailing CR, control bytes and glued strings.
final class LexerTokenTests: XCTestCase {
    func testEmptyLineIsBlank() {
        assertTokens("", [])
    }

    func testLineOfOnlySpacesIsBlank() {
        assertTokens("     ", [])
    }

    func testLineOfOnlyTheFinalCarriageReturnIsBlank() {
        assertTokens("\r", [])
        assertTokens("   \r", [])
    }

    func testSingleAtom() {
        assertTokens("PING", [.atom("PING")])
    }

    func testTokensAreSeparatedByOneOrMoreSpaces() {
        assertTokens("GET a  b     c", [.atom("GET"), .atom("a"), .atom("b"), .atom("c")])
    }

    func testLeadingAndTrailingSpacesAreIgnored() {
        assertTokens("   GET a b   ", [.atom("GET"), .atom("a"), .atom("b")])
        assertTokens("  GET a  \r", [.atom("GET"), .atom("a")])
    }

    func testOneTrailingCarriageReturnIsIgnored() {
        assertTokens("PING\r", [.atom("PING")])
        assertTokens("GET \"a\"\r", [.atom("GET"), .string("a")])
    }

    func testSecondTrailingCarriageReturnIsSyntaxError() {
        assertLexSyntaxError("PING\r\r")
        assertLexSyntaxError("\r\r")
    }

    func testCarriageReturnInsideLineIsSyntaxError() {
        assertLexSyntaxError("PI\rNG")
        assertLexSyntaxError("\rPING")
        assertLexSyntaxError("PING \r x")
        assertLexSyntaxError("GET \"a\rb\"")
    }

    func testTabIsAControlByteNotASeparator() {
        assertLexSyntaxError("GET\ta")
        assertLexSyntaxError("\tPING")
        assertLexSyntaxError("PING\t")
    }

    func testEveryControlByteIsRefusedInAnAtom() {
        for control in Array(UInt8(0x00)...UInt8(0x1F)) + [0x7F] {
            assertLexSyntaxError(bytes("GET a") + [control] + bytes("b"))
            assertLexSyntaxError([control] + bytes("GET"))
        }
    }

    func testEveryControlByteIsRefusedInsideAString() {
        for control in Array(UInt8(0x00)...UInt8(0x1F)) + [0x7F] {
            assertLexSyntaxError(bytes("GET \"a") + [control] + bytes("b\""))
        }
    }

    func testEveryControlByteIsRefusedBetweenTokens() {
        for control in Array(UInt8(0x00)...UInt8(0x0C)) + Array(UInt8(0x0E)...UInt8(0x1F)) + [0x7F] {
            assertLexSyntaxError(bytes("GET ") + [control] + bytes(" b"))
            // At the very end too, except the one CR that stood before the LF.
            assertLexSyntaxError(bytes("GET b") + [control])
        }
    }

    func testQuotedStringIsOneToken() {
        assertTokens("SET \"a b\" c", [.atom("SET"), .string("a b"), .atom("c")])
    }

    func testEmptyStringIsAToken() {
        assertTokens("SET s f \"\"", [.atom("SET"), .atom("s"), .atom("f"), .string("")])
        assertTokens("\"\"", [.string("")])
    }

    func testStringMayHoldSpacesAtBothEnds() {
        assertTokens("\"  x  \"", [.string("  x  ")])
    }

    func testStringAtEndOfLineBeforeCarriageReturn() {
        assertTokens("\"x\"\r", [.string("x")])
    }

    func testAtomMayContainBackslashAndPunctuation() {
        assertTokens("a\\b {x}:[y],'z'", [.atom("a\\b"), .atom("{x}:[y],'z'")])
    }

    func testAtomMayContainNonASCII() {
        assertTokens("josé@example.org 😀 東京", [.atom("josé@example.org"), .atom("😀"), .atom("東京")])
    }

    func testStringGluedToFollowingBytesIsSyntaxError() {
        assertLexSyntaxError("\"a\"b")
        assertLexSyntaxError("GET \"a\"b c")
    }

    func testStringGluedAfterAnAtomIsSyntaxError() {
        assertLexSyntaxError("a\"b\"")
        assertLexSyntaxError("GET x\"y\"")
    }

    func testTwoStringsGluedTogetherAreSyntaxError() {
        assertLexSyntaxError("\"a\"\"b\"")
    }

    func testQuoteInsideAtomIsSyntaxError() {
        assertLexSyntaxError("a\"")
        assertLexSyntaxError("GET ab\"cd")
    }

    func testUnterminatedStringIsSyntaxError() {
        assertLexSyntaxError("\"")
        assertLexSyntaxError("GET \"zq9secret")
        assertLexSyntaxError("GET \"abc\\\"")
        assertLexSyntaxError("GET \"abc\\")
        assertLexSyntaxError("GET \"abc\r")
    }

    func testTokenTextIsTheSameForAtomAndString() {
        XCTAssertEqual(Token.atom("x").text, "x")
        XCTAssertEqual(Token.string("x y").text, "x y")
    }

    func testArgumentCaseIsPreserved() {
        assertTokens("get MiXeD \"CaSe\"", [.atom("get"), .atom("MiXeD"), .string("CaSe")])
    }

    func testAcceptsArraySliceWithNonZeroStartIndex() throws {
        let line = bytes("xxxGET a\r")
        let tokens = try Lexer.tokenize(line[3...])
        XCTAssertEqual(tokens, [.atom("GET"), .atom("a")])
    }

    func testAcceptsNonContiguousCollection() throws {
        let line = bytes("GET \"a b\" c\r").lazy.map { $0 }
        let tokens = try Lexer.tokenize(line)
        XCTAssertEqual(tokens, [.atom("GET"), .string("a b"), .atom("c")])
    }

    func testNonContiguousCollectionReportsErrors() {
        let line = bytes("GET \"a").lazy.map { $0 }
        XCTAssertThrowsError(try Lexer.tokenize(line)) { error in
            XCTAssertEqual((error as? ProtocolError)?.code, .syntax)
        }
    }

    func testLexingErrorMessagesNeverEchoTheLine() {
        let secret = "zq9secret"
        let lines: [[UInt8]] = [
            bytes("GET \"\(secret)"),
            bytes("GET \"\(secret)\"x"),
            bytes("GET \(secret)\"x\""),
            bytes("GET \(secret)\t"),
            bytes("GET \"\(secret)\\q\""),
            bytes("GET \"\(secret)\\uD800\""),
            bytes("GET \(secret)") + [0xFF],
        ]
        for line in lines {
            assertLexSyntaxError(line, secret: secret)
        }
    }
}
