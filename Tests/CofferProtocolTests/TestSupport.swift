import CofferProtocol
import XCTest

/// The bytes of a string, for building request lines.
func bytes(_ text: String) -> [UInt8] {
    Array(text.utf8)
}

/// Tokenizes `line`, or returns the error; lets tests assert on either without do/catch noise.
func lex(_ line: [UInt8]) -> Result<[Token], ProtocolError> {
    do throws(ProtocolError) {
        return .success(try Lexer.tokenize(line))
    } catch {
        return .failure(error)
    }
}

/// Tokenizes the UTF-8 bytes of `line`.
func lex(_ line: String) -> Result<[Token], ProtocolError> {
    lex(bytes(line))
}

/// Parses a full request line, or returns the error.
func parse(_ line: [UInt8]) -> Result<Command?, ProtocolError> {
    do throws(ProtocolError) {
        return .success(try RequestParser.parse(line: line))
    } catch {
        return .failure(error)
    }
}

/// Parses the UTF-8 bytes of a full request line.
func parse(_ line: String) -> Result<Command?, ProtocolError> {
    parse(bytes(line))
}

/// Asserts that lexing `line` yields exactly `expected`, comparing texts byte for byte.
func assertTokens(_ line: [UInt8], _ expected: [Token], file: StaticString = #filePath, line testLine: UInt = #line) {
    switch lex(line) {
    case .success(let tokens):
        XCTAssertEqual(tokens.count, expected.count, "token count", file: file, line: testLine)
        for (actual, wanted) in zip(tokens, expected) {
            XCTAssertTrue(sameKindAndBytes(actual, wanted), "got \(actual), want \(wanted)", file: file, line: testLine)
        }
    case .failure(let error):
        XCTFail("unexpected error \(error)", file: file, line: testLine)
    }
}

/// Asserts that lexing the UTF-8 bytes of `line` yields exactly `expected`.
func assertTokens(_ line: String, _ expected: [Token], file: StaticString = #filePath, line testLine: UInt = #line) {
    assertTokens(bytes(line), expected, file: file, line: testLine)
}

/// Asserts that lexing `line` fails with `SYNTAX`, and that the message echoes nothing
/// distinctive from the line (`secret` must not appear in it).
func assertLexSyntaxError(
    _ line: [UInt8], secret: String = "zq9secret", file: StaticString = #filePath, line testLine: UInt = #line
) {
    switch lex(line) {
    case .success(let tokens):
        XCTFail("expected SYNTAX, got \(tokens.count) tokens", file: file, line: testLine)
    case .failure(let error):
        XCTAssertEqual(error.code, .syntax, file: file, line: testLine)
        XCTAssertFalse(error.message.isEmpty, file: file, line: testLine)
        XCTAssertFalse(error.message.contains(secret), "message echoes input", file: file, line: testLine)
    }
}

/// Asserts that lexing the UTF-8 bytes of `line` fails with `SYNTAX`.
func assertLexSyntaxError(_ line: String, file: StaticString = #filePath, line testLine: UInt = #line) {
    assertLexSyntaxError(bytes(line), file: file, line: testLine)
}

/// Same kind of token and byte-identical text (String `==` would apply Unicode equivalence).
func sameKindAndBytes(_ a: Token, _ b: Token) -> Bool {
    switch (a, b) {
    case let (.atom(x), .atom(y)), let (.string(x), .string(y)):
        return x.utf8.elementsEqual(y.utf8)
    default:
        return false
    }
}

/// A small seeded generator (SplitMix64) so randomized tests are reproducible from their seed.
struct SplitMix64: RandomNumberGenerator {
    private var state: UInt64

    init(seed: UInt64) {
        state = seed
    }

    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
